import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createTenant, startTestApp, type TestApp } from '../helpers/app.js';
import { databaseUrl, sql } from '../helpers/database.js';
import { book, everyDay, type Scenario, scenario } from '../helpers/scenario.js';

// Issue 19: one event per booking change, written in the change's transaction, and a feed
// that never misses one (domain.md, "Booking events"; docs/EVENTS.md).

const NOW = Date.parse('2027-03-01T07:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: TestApp;
let s: Scenario;
let partner: string;
let n = 0;
/** A fresh free start (08:00-20:00 every day), from two days ahead. */
const freeStart = () => {
  const i = n++;
  return new Date(NOW + (2 + Math.floor(i / 12)) * DAY + (1 + (i % 12)) * HOUR).toISOString();
};

interface FeedEvent {
  id: string;
  type: string;
  bookingId: string;
  sequence: number;
  occurredAt: string;
  actorKind: string;
  data: Record<string, unknown>;
}
interface Feed {
  bookingEvents: {
    edges: Array<{ cursor: string; node: FeedEvent }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
const FEED = `query ($after: String, $first: Int, $types: [BookingEventType!]) {
  bookingEvents(after: $after, first: $first, types: $types) {
    edges { cursor node { id type bookingId sequence occurredAt actorKind data } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function feed(
  variables: Record<string, unknown>,
  as: { token: string; tenant: string } = { token: partner, tenant: s.tenant.slug },
) {
  const res = await t.gql<Feed>(FEED, variables, as);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data?.bookingEvents as Feed['bookingEvents'];
}

/** Everything after `after`, page by page; the cursor to go on from. */
async function drain(after: string | null, pageSize = 100) {
  const events: FeedEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await feed({ after: cursor, first: pageSize });
    events.push(...page.edges.map((e) => e.node));
    cursor = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage) return { events, cursor };
  }
}

async function newBooking(startsAt = freeStart()) {
  const res = await book(t, s.tenant.slug, { serviceId: s.serviceId, startsAt });
  const made = res.data?.createBooking;
  if (!made?.booking || !made.manageToken) throw new Error(JSON.stringify(res));
  return { id: made.booking.id, token: made.manageToken };
}

beforeAll(async () => {
  t = await startTestApp({ EMAIL_ENABLED: 'false' }, { clock: () => NOW });
  s = await scenario(t, 'events', { windows: everyDay('08:00', '20:00') });
  partner = (await createApiKey(t, s.tenant, 'PARTNER')).secret;
});

afterAll(async () => {
  await t?.close();
});

describe('booking events', () => {
  it('records each change once, in order, with the booking after it and who made it', async () => {
    const start = await drain(null);
    const b = await newBooking();
    await s.admin(
      'mutation ($id: ID!) { updateBookingDetails(id: $id, input: { notes: "Window seat" }) { userErrors { message } } }',
      { id: b.id },
    );
    const moved = freeStart();
    await t.gql(
      'mutation ($token: String!, $at: DateTime!) { rescheduleBookingByToken(token: $token, startsAt: $at) { userErrors { message } } }',
      { token: b.token, at: moved },
      { tenant: s.tenant.slug },
    );
    await s.admin(
      'mutation ($id: ID!) { cancelBooking(id: $id, reason: "Ill") { userErrors { message } } }',
      { id: b.id },
    );

    const { events } = await drain(start.cursor);
    const mine = events.filter((e) => e.bookingId === b.id);
    expect(mine.map((e) => [e.type, e.sequence, e.actorKind])).toEqual([
      ['CREATED', 1, 'CUSTOMER'],
      ['DETAILS_UPDATED', 2, 'USER'],
      ['RESCHEDULED', 3, 'CUSTOMER'],
      ['CANCELLED', 4, 'USER'],
    ]);
    expect(mine[0]?.data).toMatchObject({
      id: b.id,
      status: 'CONFIRMED',
      serviceId: s.serviceId,
      resourceIds: [s.resourceId],
      customer: { name: 'Ada Lovelace', email: 'ada@example.com', phone: null },
      notes: null,
    });
    expect(mine[1]?.data.notes).toBe('Window seat');
    expect(mine[2]?.data.startsAt).toBe(moved);
    expect(mine[3]?.data).toMatchObject({ status: 'CANCELLED', cancellationReason: 'Ill' });
    expect(mine[0]?.occurredAt).toBe(new Date(NOW).toISOString());
    // The table holds the same, and nothing else of the booking.
    const rows = await sql(
      t.database,
      'select type, sequence from booking_event where booking_id = $1 order by sequence',
      [b.id],
    );
    expect(rows.map((r) => r.type)).toEqual([
      'CREATED',
      'DETAILS_UPDATED',
      'RESCHEDULED',
      'CANCELLED',
    ]);
  });

  it('writes no event for a change that did not happen', async () => {
    const b = await newBooking();
    const before = await sql(t.database, 'select count(*)::int as c from booking_event');
    // Confirming a confirmed booking, and booking a taken start.
    const res = await s.admin<{ confirmBooking: { userErrors: unknown[] } }>(
      'mutation ($id: ID!) { confirmBooking(id: $id) { userErrors { code } } }',
      { id: b.id },
    );
    expect(res.confirmBooking.userErrors).toHaveLength(1);
    const taken = await book(t, s.tenant.slug, {
      serviceId: s.serviceId,
      startsAt: (
        await sql(t.database, 'select starts_at from booking where id = $1', [b.id])
      )[0]?.starts_at.toISOString(),
    });
    expect(taken.data?.createBooking.userErrors[0]?.code).toBe('BOOKING_CONFLICT');
    const after = await sql(t.database, 'select count(*)::int as c from booking_event');
    expect(after[0]?.c).toBe(before[0]?.c);
  });

  it('pages with a cursor, filters by type, and keeps the cursor when nothing is new', async () => {
    const start = await drain(null);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await newBooking()).id);
    await s.admin('mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { message } } }', {
      id: ids[0],
    });
    const pages: string[][] = [];
    let cursor = start.cursor;
    for (;;) {
      const page = await feed({ after: cursor, first: 2 });
      pages.push(page.edges.map((e) => e.node.type));
      cursor = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage) break;
    }
    expect(pages).toEqual([
      ['CREATED', 'CREATED'],
      ['CREATED', 'CREATED'],
      ['CREATED', 'CANCELLED'],
    ]);
    const quiet = await feed({ after: cursor });
    expect(quiet.edges).toHaveLength(0);
    expect(quiet.pageInfo.endCursor).toBe(cursor);
    const cancelled = await feed({ after: start.cursor, types: ['CANCELLED'] });
    expect(cancelled.edges.map((e) => e.node.bookingId)).toEqual([ids[0]]);
    expect((await feed({ after: start.cursor, types: [] })).edges).toHaveLength(0);
  });

  it('refuses a cursor it did not give out, naming the argument', async () => {
    for (const after of ['nonsense', Buffer.from('1.2.3').toString('base64url'), 'x'.repeat(300)]) {
      const res = await t.gql(FEED, { after }, { token: partner, tenant: s.tenant.slug });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(/after/);
    }
    const big = await t.gql(FEED, { first: 501 }, { token: partner, tenant: s.tenant.slug });
    expect(big.errors?.[0]?.message).toMatch(/first must be between 0 and 500/);
  });

  it('shows a tenant only its own events', async () => {
    const other = await createTenant(t, 'events-other');
    const mine = await newBooking();
    const theirs = await drain(null);
    expect(theirs.events.some((e) => e.bookingId === mine.id)).toBe(true);
    const res = await t.gql<Feed>(FEED, { first: 500 }, { token: other.token, tenant: other.slug });
    expect(res.data?.bookingEvents.edges).toEqual([]);
    // A cursor of this tenant read in the other: still nothing of this one.
    const cross = await t.gql<Feed>(
      FEED,
      { after: theirs.cursor },
      { token: other.token, tenant: other.slug },
    );
    expect(cross.data?.bookingEvents.edges).toEqual([]);
  });
});

describe('BookingFilter.updatedSince', () => {
  it("finds next month's booking cancelled today in the listing and both CSV routes", async () => {
    const later = new Date(NOW + 30 * DAY + 10 * HOUR).toISOString();
    const b = await newBooking(later);
    const old = await newBooking();
    // As if made a week ago; then this one is cancelled now.
    await sql(
      t.database,
      "update booking set updated_at = now() - interval '7 days' where id = any($1)",
      [[b.id, old.id]],
    );
    const since = new Date(Date.now() - 60_000).toISOString();
    await s.admin('mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { message } } }', {
      id: b.id,
    });
    const listed = await s.admin<{ bookings: { edges: Array<{ node: { id: string } }> } }>(
      'query ($f: BookingFilter) { bookings(filter: $f, first: 200) { edges { node { id } } } }',
      { f: { updatedSince: since } },
    );
    const ids = listed.bookings.edges.map((e) => e.node.id);
    expect(ids).toContain(b.id);
    expect(ids).not.toContain(old.id);
    const csv = await s.admin<{ bookingsCsv: string }>(
      'query ($f: BookingFilter) { bookingsCsv(filter: $f) }',
      { f: { updatedSince: since } },
    );
    const reference = (
      await sql(t.database, 'select reference from booking where id = $1', [b.id])
    )[0]?.reference;
    const oldReference = (
      await sql(t.database, 'select reference from booking where id = $1', [old.id])
    )[0]?.reference;
    expect(csv.bookingsCsv).toContain(reference);
    expect(csv.bookingsCsv).not.toContain(oldReference);
    const download = await fetch(
      `${t.url}/exports/bookings.csv?updatedSince=${encodeURIComponent(since)}`,
      {
        headers: { authorization: `Bearer ${partner}`, 'x-tenant': s.tenant.slug },
      },
    );
    const text = await download.text();
    expect(download.status).toBe(200);
    expect(text).toContain(reference);
    expect(text).not.toContain(oldReference);
    const bad = await fetch(`${t.url}/exports/bookings.csv?updatedSince=yesterday`, {
      headers: { authorization: `Bearer ${partner}`, 'x-tenant': s.tenant.slug },
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/updatedSince/);
  });
});

describe('the feed never misses an event', () => {
  it('holds back a later commit until an earlier transaction ends, then gives both once', async () => {
    const start = await drain(null);
    // A slow transaction takes its id (and its event's number) first, and commits last.
    const slow = new pg.Client({ connectionString: databaseUrl(t.database) });
    slow.on('error', () => {});
    await slow.connect();
    const slowEvent = randomUUID();
    try {
      await slow.query('begin');
      await slow.query(
        `insert into booking_event (id, created_at, updated_at, tenant_id, booking_id, service_id, type, sequence, actor_kind, resource_ids, data)
         values ($1, now(), now(), $2, $3, $4, 'DETAILS_UPDATED', 1, 'SYSTEM', '[]', '{}')`,
        [slowEvent, s.tenant.id, randomUUID(), s.serviceId],
      );
      const quick = await newBooking();
      const meanwhile = await drain(start.cursor);
      // The quick booking's event exists, committed, but is held back: the reader's cursor
      // must not pass the slow transaction's place.
      expect(meanwhile.events.map((e) => e.bookingId)).not.toContain(quick.id);
      const [{ position: quickPosition } = { position: '0' }] = await sql(
        t.database,
        'select position from booking_event where booking_id = $1',
        [quick.id],
      );
      const [{ position: slowPosition } = { position: '0' }] = await slow
        .query('select position from booking_event where id = $1', [slowEvent])
        .then((r) => r.rows);
      // Numbered first, committed second: a serial cursor would have skipped it.
      expect(Number(slowPosition)).toBeLessThan(Number(quickPosition));
      await slow.query('commit');
      const after = await drain(meanwhile.cursor);
      expect(after.events.map((e) => e.id)).toContain(slowEvent);
      expect(after.events.map((e) => e.bookingId)).toContain(quick.id);
      expect(new Set(after.events.map((e) => e.id)).size).toBe(after.events.length);
    } finally {
      await slow.end();
    }
  });

  it('reads every event exactly once while writers book, cancel and commit out of order', async () => {
    const start = await drain(null);
    const WRITERS = 6;
    const PER_WRITER = 15;
    const SLOW_WRITERS = 2;
    let writing = true;
    const seen: FeedEvent[] = [];
    /** Events read whose number was below one read before: what a serial cursor misses. */
    let outOfOrder = 0;
    let highest = 0;
    const positions = new Map<string, number>();
    const reader = (async () => {
      let cursor = start.cursor;
      let reads = 0;
      while (writing || reads < 2) {
        const page = await drain(cursor, 7);
        cursor = page.cursor;
        seen.push(...page.events);
        if (!writing) reads++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < PER_WRITER; i++) {
        const startsAt = new Date(
          NOW + (100 + w) * DAY + (1 + (i % 12)) * HOUR + Math.floor(i / 12) * 7 * DAY,
        ).toISOString();
        const res = await book(t, s.tenant.slug, { serviceId: s.serviceId, startsAt });
        const id = res.data?.createBooking.booking?.id;
        if (id && i % 3 === 0) {
          await s.admin(
            'mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { message } } }',
            { id },
          );
        }
      }
    });
    // Transactions that take their number, wait, then commit: after later ones, always.
    const slowWriters = Array.from({ length: SLOW_WRITERS }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl(t.database) });
      client.on('error', () => {});
      await client.connect();
      try {
        for (let i = 0; i < 10; i++) {
          await client.query('begin');
          await client.query(
            `insert into booking_event (id, created_at, updated_at, tenant_id, booking_id, service_id, type, sequence, actor_kind, resource_ids, data)
             values ($1, now(), now(), $2, $3, $4, 'DETAILS_UPDATED', 1, 'SYSTEM', '[]', '{}')`,
            [randomUUID(), s.tenant.id, randomUUID(), s.serviceId],
          );
          await client.query('select pg_sleep($1)', [0.05 + Math.random() * 0.2]);
          await client.query('commit');
        }
      } finally {
        await client.end();
      }
    });
    await Promise.all([...writers, ...slowWriters]);
    writing = false;
    await reader;

    const table = await sql<{ id: string; position: string }>(
      t.database,
      'select id, position from booking_event where tenant_id = $1',
      [s.tenant.id],
    );
    for (const row of table) positions.set(row.id, Number(row.position));
    for (const e of seen) {
      const p = positions.get(e.id) ?? 0;
      if (p < highest) outOfOrder++;
      highest = Math.max(highest, p);
    }
    const before = new Set(start.events.map((e) => e.id));
    const expected = table.map((r) => r.id).filter((id) => !before.has(id));
    const ids = seen.map((e) => e.id);
    const unique = new Set(ids);
    const misses = expected.filter((id) => !unique.has(id));
    const duplicates = ids.length - unique.size;
    console.log(
      `feed storm: ${WRITERS} API writers + ${SLOW_WRITERS} slow SQL writers, ${expected.length} events, ` +
        `${misses.length} missed, ${duplicates} duplicated, ${outOfOrder} committed behind a later number`,
    );
    expect(expected.length).toBeGreaterThanOrEqual(WRITERS * PER_WRITER + 20);
    expect(misses).toEqual([]);
    expect(duplicates).toBe(0);
    expect(ids.every((id) => positions.has(id))).toBe(true);
    // The storm did commit out of order, or it proved nothing.
    expect(outOfOrder).toBeGreaterThan(0);
  });
});
