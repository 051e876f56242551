import { type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { databaseUrl, sql } from '../helpers/database.js';
import { freePort } from '../helpers/free-port.js';
import {
  type BookingResult,
  book,
  createService,
  OVERLAPS_SQL,
  type Scenario,
  scenario,
  tally,
  weekdays,
} from '../helpers/scenario.js';
import { launchServer } from '../helpers/server-process.js';

/**
 * Races over the real HTTP server: whatever arrives at the same moment, an active booking
 * never overlaps another, and a group session never sells more seats than it has. Figures
 * are printed for the closing note.
 */
let t: TestApp;
let s: Scenario;

beforeAll(async () => {
  t = await startTestApp({}, { clock: () => Date.parse('2026-01-01T00:00:00Z') });
  s = await scenario(t, 'race', { windows: weekdays('09:00', '17:00') });
});
afterAll(() => t?.close());
afterEach(async () => {
  const [row] = await sql<{ n: number }>(t.database, OVERLAPS_SQL);
  expect(row?.n, 'overlapping active bookings').toBe(0);
});

const customer = (i: number) => ({ name: `Racer ${i}`, email: `racer${i}@example.com` });

describe('simultaneous bookings', () => {
  it('100 requests for one one-to-one slot: exactly 1 booking, 99 refusals, no server error', async () => {
    const startsAt = '2026-03-02T10:00:00Z';
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        book(t, 'race', { serviceId: s.serviceId, startsAt, customer: customer(i) }),
      ),
    );
    const figures = tally(results);
    console.log('one-to-one storm', JSON.stringify(figures));
    expect(figures.serverErrors).toBe(0);
    expect(figures.successes).toBe(1);
    expect((figures.codes.BOOKING_CONFLICT ?? 0) + (figures.codes.SLOT_UNAVAILABLE ?? 0)).toBe(99);
    expect(
      await sql(t.database, 'select 1 from booking where service_id = $1 and starts_at = $2', [
        s.serviceId,
        startsAt,
      ]),
    ).toHaveLength(1);
  });

  it('100 requests for a class of 5: exactly 5 seats sold', async () => {
    const classId = await createService(s.admin, {
      name: 'Class',
      durationMinutes: 60,
      capacity: 5,
    });
    const startsAt = '2026-03-03T10:00:00Z';
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        book(t, 'race', { serviceId: classId, startsAt, customer: customer(i) }),
      ),
    );
    const figures = tally(results);
    console.log('group storm', JSON.stringify(figures));
    expect(figures.serverErrors).toBe(0);
    expect(figures.successes).toBe(5);
    expect(figures.codes.CAPACITY_EXCEEDED).toBe(95);
    const [row] = await sql<{ seats: number; sessions: number }>(
      t.database,
      'select sum(seats)::int as seats, count(distinct session_key)::int as sessions from booking where service_id = $1 and status <> $2',
      [classId, 'CANCELLED'],
    );
    expect(row).toEqual({ seats: 5, sessions: 1 });
  });

  it('two services on one resource at overlapping times never both succeed', async () => {
    const short = await createService(s.admin, { name: 'Short', durationMinutes: 30 });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0
          ? book(t, 'race', {
              serviceId: s.serviceId,
              startsAt: '2026-03-04T10:00:00Z',
              customer: customer(i),
            })
          : book(t, 'race', {
              serviceId: short,
              startsAt: '2026-03-04T10:30:00Z',
              customer: customer(i),
            }),
      ),
    );
    const figures = tally(results);
    console.log('two services storm', JSON.stringify(figures));
    expect(figures.serverErrors).toBe(0);
    expect(figures.successes).toBe(1);
  });

  it('concurrent reschedules into one free slot: one wins', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await book(t, 'race', {
        serviceId: s.serviceId,
        startsAt: `2026-03-05T${String(9 + i).padStart(2, '0')}:00:00Z`,
        customer: customer(i),
      });
      ids.push(res.data?.createBooking.booking?.id ?? '');
    }
    await s.admin('mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { code } } }', {
      id: ids[7],
    });
    const target = '2026-03-05T16:00:00Z';
    const results = await Promise.all(
      ids.slice(0, 7).map((id) =>
        t.gql<{
          rescheduleBooking: {
            booking: { id: string } | null;
            userErrors: Array<{ code: string }>;
          };
        }>(
          'mutation ($id: ID!, $at: DateTime!) { rescheduleBooking(id: $id, startsAt: $at) { booking { id } userErrors { code } } }',
          { id, at: target },
          { tenant: 'race', token: s.tenant.token },
        ),
      ),
    );
    const won = results.filter((r) => r.data?.rescheduleBooking.booking);
    const lost = results.flatMap((r) => r.data?.rescheduleBooking.userErrors ?? []);
    console.log(
      'reschedule storm',
      JSON.stringify({
        attempts: 7,
        successes: won.length,
        refusals: lost.length,
        serverErrors: results.filter((r) => r.errors).length,
      }),
    );
    expect(results.every((r) => !r.errors)).toBe(true);
    expect(won).toHaveLength(1);
    expect(lost.map((e) => e.code)).toEqual(Array(6).fill('BOOKING_CONFLICT'));
    expect(
      await sql(
        t.database,
        "select 1 from booking where starts_at = $1 and status <> 'CANCELLED'",
        [target],
      ),
    ).toHaveLength(1);
  });
});

describe('two server processes on one database', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGTERM');
  });

  async function launch(): Promise<string> {
    const server = await launchServer(await freePort(), {
      DATABASE_URL: databaseUrl(t.database),
      RATE_LIMITS: 'false',
    });
    children.push(server.child);
    return server.url;
  }

  it('still sell one slot once', async () => {
    const [a, b] = await Promise.all([launch(), launch()]);
    // Real dates from now on: these servers run on the real clock.
    const date = new Date(Date.now() + 30 * 86_400_000);
    while (date.getUTCDay() === 0 || date.getUTCDay() === 6) date.setUTCDate(date.getUTCDate() + 1);
    const startsAt = `${date.toISOString().slice(0, 10)}T11:00:00.000Z`;
    const post = (base: string, i: number) =>
      fetch(`${base}/t/race/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            'mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } userErrors { code } } }',
          variables: { input: { serviceId: s.serviceId, startsAt, customer: customer(i) } },
        }),
      }).then(async (r) => ({
        status: r.status,
        ...((await r.json()) as { data?: BookingResult; errors?: unknown[] }),
      }));
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => post(i % 2 === 0 ? (a ?? '') : (b ?? ''), i)),
    );
    const figures = tally(results);
    console.log('two processes storm', JSON.stringify(figures));
    expect(figures.serverErrors).toBe(0);
    expect(figures.successes).toBe(1);
    expect((figures.codes.BOOKING_CONFLICT ?? 0) + (figures.codes.SLOT_UNAVAILABLE ?? 0)).toBe(99);
  });
});

describe('the exclusion constraint on its own', () => {
  const insert = (client: pg.Client, id: string, start: string, end: string) =>
    client.query(
      `insert into booking (id, created_at, updated_at, tenant_id, reference, service_id, resource_id, starts_at, ends_at,
         occupied_start, occupied_end, session_key, status, seats, customer_name, customer_email)
       values ($1, now(), now(), $2, $3, $4, $5, $6, $7, $6, $7, $1, 'CONFIRMED', 1, 'Direct', 'direct@example.com')`,
      [id, s.tenant.id, id.slice(0, 8), s.serviceId, s.resourceId, start, end],
    );

  it('refuses an overlapping active booking written with no lock at all', async () => {
    const client = new pg.Client({ connectionString: databaseUrl(t.database) });
    client.on('error', () => {});
    await client.connect();
    try {
      await insert(client, crypto.randomUUID(), '2026-03-09T10:00:00Z', '2026-03-09T11:00:00Z');
      await expect(
        insert(client, crypto.randomUUID(), '2026-03-09T10:30:00Z', '2026-03-09T11:30:00Z'),
      ).rejects.toMatchObject({
        code: '23P01',
        constraint: 'booking_resource_no_overlap',
      });
      // Touching spans are fine, and a cancelled booking holds nothing.
      await insert(client, crypto.randomUUID(), '2026-03-09T11:00:00Z', '2026-03-09T12:00:00Z');
      await client.query(
        "update booking set status = 'CANCELLED' where starts_at = '2026-03-09T10:00:00Z'",
      );
      await insert(client, crypto.randomUUID(), '2026-03-09T10:00:00Z', '2026-03-09T11:00:00Z');
      // A move written directly is checked too: onto the 11:00 booking is refused.
      await expect(
        client.query(
          `update booking set occupied_start = '2026-03-09T11:30:00Z', occupied_end = '2026-03-09T12:30:00Z'
           where starts_at = '2026-03-09T10:00:00Z' and status = 'CONFIRMED'`,
        ),
      ).rejects.toMatchObject({ code: '23P01', constraint: 'booking_resource_no_overlap' });
      // Every booking has its occupancy, as active as its status says.
      const { rows } = await client.query(
        `select b.status, o.active, o.occupied_start = b.occupied_start as same_span
         from booking b left join booking_resource o on o.booking_id = b.id and o.resource_id = b.resource_id
         where b.starts_at >= '2026-03-09' and b.starts_at < '2026-03-10' order by b.starts_at, b.status`,
      );
      expect(rows).toEqual([
        { status: 'CONFIRMED', active: true, same_span: true },
        { status: 'CANCELLED', active: false, same_span: true },
        { status: 'CONFIRMED', active: true, same_span: true },
      ]);
    } finally {
      await client.end();
    }
  });

  it('turns a violation that reaches the API into BOOKING_CONFLICT', async () => {
    // A writer that bypasses the lock holds an uncommitted overlapping booking: the API's
    // check cannot see it, its insert waits on the constraint, and fails once that commits.
    const rogue = new pg.Client({ connectionString: databaseUrl(t.database) });
    rogue.on('error', () => {});
    await rogue.connect();
    try {
      await rogue.query('begin');
      await insert(rogue, crypto.randomUUID(), '2026-03-10T10:00:00Z', '2026-03-10T11:00:00Z');
      const pending = book(t, 'race', { serviceId: s.serviceId, startsAt: '2026-03-10T10:00:00Z' });
      await new Promise((r) => setTimeout(r, 300));
      await rogue.query('commit');
      const res = await pending;
      expect(res.errors).toBeUndefined();
      expect(res.data?.createBooking).toEqual({
        booking: null,
        manageToken: null,
        userErrors: [
          { code: 'BOOKING_CONFLICT', field: ['input', 'startsAt'], message: expect.any(String) },
        ],
      });
    } finally {
      await rogue.end();
    }
  });
});
