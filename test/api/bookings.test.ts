import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, startTestApp, type TestApp } from '../helpers/app.js';
import { databaseUrl, sql } from '../helpers/database.js';
import {
  book,
  createService,
  everyDay,
  type Scenario,
  scenario,
  weekdays,
} from '../helpers/scenario.js';

/** The server's clock, moved by the tests (completing a booking needs its start to have passed). */
const START = Date.parse('2026-01-01T00:00:00Z');
let now = START;

let t: TestApp;
let s: Scenario;
let groupServiceId: string;
let confirmServiceId: string;

beforeAll(async () => {
  t = await startTestApp({}, { clock: () => now });
  s = await scenario(t, 'salon', {
    windows: weekdays('09:00', '17:00'),
    tenant: { cancellationNoticeMinutes: 1440 },
  });
  groupServiceId = await createService(s.admin, { name: 'Yoga', durationMinutes: 60, capacity: 5 });
  confirmServiceId = await createService(s.admin, {
    name: 'Consultation',
    durationMinutes: 60,
    requiresConfirmation: true,
  });
});
afterAll(() => t?.close());

const slug = () => s.tenant.slug;
const asAdmin = () => ({ tenant: slug(), token: s.tenant.token });
const bookingCount = async () =>
  (await sql<{ n: number }>(t.database, 'select count(*)::int as n from booking'))[0]?.n;
let day = 0;
/** A fresh weekday morning for each test, so they never collide. */
function nextMonday(): string {
  const d = new Date(Date.parse('2026-02-02T00:00:00Z') + 7 * 86_400_000 * day++);
  return d.toISOString().slice(0, 10);
}
const at = (date: string, hhmm: string) => `${date}T${hhmm}:00.000Z`;

async function bookedId(input: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await book(t, slug(), { serviceId: s.serviceId, ...input });
  const created = res.data?.createBooking;
  if (!created?.booking || !created.manageToken) throw new Error(JSON.stringify(res));
  return { id: created.booking.id, token: created.manageToken };
}

describe('createBooking', () => {
  it('books an offered start, returns the reference and the manage token once, and takes the slot', async () => {
    const date = nextMonday();
    const res = await book(t, slug(), {
      serviceId: s.serviceId,
      startsAt: '2026-02-02T10:00:00+01:00',
      customer: { name: '  Grace Hopper ', email: 'Grace@Example.COM', phone: '+44 20 7946 0000' },
      notes: 'Window seat, please',
    });
    expect(date).toBe('2026-02-02');
    expect(res.data?.createBooking.userErrors).toEqual([]);
    const booking = res.data?.createBooking.booking;
    expect(booking).toMatchObject({
      status: 'CONFIRMED',
      startsAt: '2026-02-02T09:00:00.000Z',
      endsAt: '2026-02-02T10:00:00.000Z',
      seats: 1,
      customerName: 'Grace Hopper',
      customerEmail: 'grace@example.com',
      customerPhone: '+44 20 7946 0000',
      notes: 'Window seat, please',
      cancelledAt: null,
      service: { id: s.serviceId },
      resource: { id: s.resourceId },
    });
    expect(booking?.reference).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(res.data?.createBooking.manageToken).toMatch(/^bkm_[A-Za-z0-9_-]{43}$/);
    const [row] = await sql<{ manage_token_hash: string }>(
      t.database,
      'select manage_token_hash from booking where id = $1',
      [booking?.id],
    );
    expect(row?.manage_token_hash).toMatch(/^[0-9a-f]{64}$/);
    const slots = await t.gql<{ slots: Array<{ startsAt: string }> }>(
      'query ($id: ID!) { slots(serviceId: $id, from: "2026-02-02", to: "2026-02-02") { startsAt } }',
      { id: s.serviceId },
      { tenant: slug() },
    );
    expect(slots.data?.slots.map((x) => x.startsAt)).not.toContain('2026-02-02T09:00:00.000Z');
    expect(slots.data?.slots).toHaveLength(7);
  });

  it("runs the statements the bench's raw-SQL baseline runs, and no others", async () => {
    // bench/bench.ts measures createBooking against these statements done with pg directly.
    const quiet = await scenario(t, 'statements', {
      windows: weekdays('09:00', '17:00'),
      // No notification jobs: their worker shares the ORM and would add statements.
      tenant: { emailEnabled: false },
    });
    const date = nextMonday();
    await book(t, quiet.tenant.slug, { serviceId: quiet.serviceId, startsAt: at(date, '09:00') });
    const statements = await t.statementsDuring(async () => {
      // The bench's document: nothing beyond the booking's id, so no loader reads.
      const res = await t.gql<{ createBooking: { booking: { id: string } | null } }>(
        'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } userErrors { code } } }',
        {
          i: {
            serviceId: quiet.serviceId,
            startsAt: at(date, '10:00'),
            customer: { name: 'Ada', email: 'ada@example.com' },
          },
        },
        { tenant: quiet.tenant.slug },
      );
      expect(res.data?.createBooking.booking?.id).toBeTruthy();
    });
    const expected = [
      /^select "s"\."id", .* from "service" as "s" inner join "service_resource" as "sr" /,
      /^begin$/,
      /^select "id", "weekly_pattern" as "weeklyPattern", "active" from "resource" where .* order by "id" for update$/,
      /from "date_override" where/,
      /from "blackout" where/,
      /from "booking_resource" as "o" inner join "booking" as "b"/,
      /^insert into "booking" /,
      /^insert into "audit_event" /,
      /^insert into "notification" .* values \(.*\), \(.*\)$/,
      /^insert into "booking_event" /,
      /^insert into webhook_delivery /,
      /^insert into notification \(id, created_at, updated_at, tenant_id, booking_id, kind, recipient, status, attempts, payload, send_at, last_error\) select /,
      /^commit$/,
    ];
    // The logged form: "[query] <sql> [took ...]" with colours; whitespace folded.
    const sqls = statements.map((line) =>
      line
        // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal colour codes
        .replace(/\u001b\[[0-9;]*m/g, '')
        .replace(/^\[query\] /, '')
        .replace(/ \[took .*$/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(sqls, sqls.join('\n')).toHaveLength(expected.length);
    for (const [i, sql] of sqls.entries()) expect(sql).toMatch(expected[i] as RegExp);
  });

  it('creates PENDING bookings for a service that needs confirmation', async () => {
    const date = nextMonday();
    const res = await book(t, slug(), { serviceId: confirmServiceId, startsAt: at(date, '11:00') });
    expect(res.data?.createBooking.booking?.status).toBe('PENDING');
  });

  it('gives each booking a reference unique in the tenant', async () => {
    const date = nextMonday();
    const refs = new Set<string>();
    for (const hour of ['09:00', '10:00', '11:00', '12:00', '13:00']) {
      const res = await book(t, slug(), { serviceId: s.serviceId, startsAt: at(date, hour) });
      refs.add(res.data?.createBooking.booking?.reference ?? '');
    }
    expect(refs.size).toBe(5);
  });

  describe('idempotency', () => {
    it('returns the first booking for a repeat with the same key, without a second token', async () => {
      const date = nextMonday();
      const input = {
        serviceId: s.serviceId,
        startsAt: at(date, '09:00'),
        idempotencyKey: `key-${date}`,
      };
      const first = await book(t, slug(), input);
      const before = await bookingCount();
      const again = await book(t, slug(), input);
      expect(again.data?.createBooking.userErrors).toEqual([]);
      expect(again.data?.createBooking.booking?.id).toBe(first.data?.createBooking.booking?.id);
      expect(again.data?.createBooking.manageToken).toBeNull();
      expect(await bookingCount()).toBe(before);
    });

    it('refuses the same key with a different request, writing nothing', async () => {
      const date = nextMonday();
      await book(t, slug(), {
        serviceId: s.serviceId,
        startsAt: at(date, '09:00'),
        idempotencyKey: `reuse-${date}`,
      });
      const before = await bookingCount();
      const other = await book(t, slug(), {
        serviceId: s.serviceId,
        startsAt: at(date, '10:00'),
        idempotencyKey: `reuse-${date}`,
      });
      expect(other.data?.createBooking).toEqual({
        booking: null,
        manageToken: null,
        userErrors: [
          {
            code: 'IDEMPOTENCY_KEY_REUSED',
            field: ['input', 'idempotencyKey'],
            message: expect.any(String),
          },
        ],
      });
      expect(await bookingCount()).toBe(before);
    });

    it('answers concurrent repeats of one key with one booking', async () => {
      const date = nextMonday();
      const input = {
        serviceId: s.serviceId,
        startsAt: at(date, '14:00'),
        idempotencyKey: `race-${date}`,
      };
      const results = await Promise.all(Array.from({ length: 10 }, () => book(t, slug(), input)));
      const ids = new Set(results.map((r) => r.data?.createBooking.booking?.id));
      expect(ids.size).toBe(1);
      expect([...ids][0]).toBeTruthy();
      expect(
        await sql(t.database, 'select 1 from booking where idempotency_key = $1', [
          input.idempotencyKey,
        ]),
      ).toHaveLength(1);
    });
  });

  describe('refuses bad requests clearly, writing nothing', () => {
    const date = '2026-01-05';
    it.each([
      [
        'an unknown service',
        () => ({ serviceId: randomUUID(), startsAt: at(date, '10:00') }),
        'NOT_FOUND',
        ['input', 'serviceId'],
      ],
      [
        'a start in the past',
        () => ({ startsAt: '2025-12-01T10:00:00Z' }),
        'OUTSIDE_BOOKING_WINDOW',
        ['input', 'startsAt'],
      ],
      [
        'a start past the horizon',
        () => ({ startsAt: '2036-03-03T10:00:00Z' }),
        'OUTSIDE_BOOKING_WINDOW',
        ['input', 'startsAt'],
      ],
      [
        'a misaligned start',
        () => ({ startsAt: at(date, '10:15') }),
        'SLOT_UNAVAILABLE',
        ['input', 'startsAt'],
      ],
      [
        'a start outside opening hours',
        () => ({ startsAt: at(date, '17:00') }),
        'SLOT_UNAVAILABLE',
        ['input', 'startsAt'],
      ],
      [
        'a closed day',
        () => ({ startsAt: '2026-01-04T10:00:00Z' }),
        'SLOT_UNAVAILABLE',
        ['input', 'startsAt'],
      ],
      [
        'two seats on a one-to-one service',
        () => ({ startsAt: at(date, '10:00'), seats: 2 }),
        'INVALID_INPUT',
        ['input', 'seats'],
      ],
      [
        'zero seats',
        () => ({ startsAt: at(date, '10:00'), seats: 0 }),
        'INVALID_INPUT',
        ['input', 'seats'],
      ],
      [
        'more seats than the class has',
        () => ({ serviceId: groupServiceId, startsAt: at(date, '10:00'), seats: 6 }),
        'INVALID_INPUT',
        ['input', 'seats'],
      ],
      [
        'an over-long name',
        () => ({
          startsAt: at(date, '10:00'),
          customer: { name: 'x'.repeat(201), email: 'a@example.com' },
        }),
        'INVALID_INPUT',
        ['input', 'customer', 'name'],
      ],
      [
        'an empty name',
        () => ({ startsAt: at(date, '10:00'), customer: { name: '   ', email: 'a@example.com' } }),
        'INVALID_INPUT',
        ['input', 'customer', 'name'],
      ],
      [
        'a name with a line break',
        () => ({
          startsAt: at(date, '10:00'),
          customer: { name: 'Eve\r\nBcc: x@y.z', email: 'a@example.com' },
        }),
        'INVALID_INPUT',
        ['input', 'customer', 'name'],
      ],
      [
        'a bad phone number',
        () => ({
          startsAt: at(date, '10:00'),
          customer: { name: 'Ann', email: 'a@example.com', phone: 'call me' },
        }),
        'INVALID_INPUT',
        ['input', 'customer', 'phone'],
      ],
      [
        'over-long notes',
        () => ({ startsAt: at(date, '10:00'), notes: 'n'.repeat(2001) }),
        'INVALID_INPUT',
        ['input', 'notes'],
      ],
      [
        'an over-long idempotency key',
        () => ({ startsAt: at(date, '10:00'), idempotencyKey: 'k'.repeat(201) }),
        'INVALID_INPUT',
        ['input', 'idempotencyKey'],
      ],
    ])('%s', async (_name, input, code, field) => {
      const before = await bookingCount();
      const res = await book(t, slug(), { serviceId: s.serviceId, ...input() });
      expect(res.data?.createBooking.booking).toBeNull();
      expect(res.data?.createBooking.userErrors).toContainEqual({
        code,
        field,
        message: expect.any(String),
      });
      expect(await bookingCount()).toBe(before);
    });

    it('a malformed email, before any resolver runs', async () => {
      const before = await bookingCount();
      const res = await book(t, slug(), {
        serviceId: s.serviceId,
        startsAt: at(date, '10:00'),
        customer: { name: 'Ann', email: 'not-an-email' },
      });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toContain('input.customer.email');
      expect(await bookingCount()).toBe(before);
    });

    it('a time during a blackout', async () => {
      await s.admin(
        'mutation { createBlackout(input: { startsAt: "2026-01-06T12:00:00Z", endsAt: "2026-01-06T13:00:00Z" }) { userErrors { message } } }',
      );
      const res = await book(t, slug(), {
        serviceId: s.serviceId,
        startsAt: '2026-01-06T12:00:00Z',
      });
      expect(res.data?.createBooking.userErrors[0]?.code).toBe('SLOT_UNAVAILABLE');
    });

    it('a time someone else holds, and more seats than a session has left', async () => {
      const date2 = nextMonday();
      await bookedId({ startsAt: at(date2, '10:00') });
      const taken = await book(t, slug(), { serviceId: s.serviceId, startsAt: at(date2, '10:00') });
      expect(taken.data?.createBooking.userErrors).toEqual([
        { code: 'BOOKING_CONFLICT', field: ['input', 'startsAt'], message: expect.any(String) },
      ]);
      await book(t, slug(), { serviceId: groupServiceId, startsAt: at(date2, '14:00'), seats: 4 });
      const tooMany = await book(t, slug(), {
        serviceId: groupServiceId,
        startsAt: at(date2, '14:00'),
        seats: 2,
      });
      expect(tooMany.data?.createBooking.userErrors).toEqual([
        {
          code: 'CAPACITY_EXCEEDED',
          field: ['input', 'seats'],
          message: 'Only 1 seat(s) left at this time',
        },
      ]);
      const last = await book(t, slug(), {
        serviceId: groupServiceId,
        startsAt: at(date2, '14:00'),
        seats: 1,
      });
      expect(last.data?.createBooking.booking?.seats).toBe(1);
      const full = await book(t, slug(), {
        serviceId: groupServiceId,
        startsAt: at(date2, '14:00'),
      });
      expect(full.data?.createBooking.userErrors[0]?.code).toBe('CAPACITY_EXCEEDED');
    });

    it('an inactive service', async () => {
      const retired = await createService(s.admin, { name: 'Retired', durationMinutes: 30 });
      await s.admin(
        'mutation ($id: ID!) { setServiceActive(id: $id, active: false) { userErrors { message } } }',
        { id: retired },
      );
      const res = await book(t, slug(), { serviceId: retired, startsAt: at(date, '10:00') });
      expect(res.data?.createBooking.userErrors[0]).toMatchObject({
        code: 'NOT_FOUND',
        field: ['input', 'serviceId'],
      });
    });
  });
});

describe('lifecycle', () => {
  const ACTIONS: Record<string, string> = {
    confirm:
      'mutation ($id: ID!) { confirmBooking(id: $id) { booking { status } userErrors { code field message } } }',
    cancel:
      'mutation ($id: ID!) { cancelBooking(id: $id, reason: "Staff ill") { booking { status cancelledAt cancellationReason } userErrors { code field message } } }',
    complete:
      'mutation ($id: ID!) { completeBooking(id: $id) { booking { status } userErrors { code field message } } }',
    noShow:
      'mutation ($id: ID!) { markNoShow(id: $id) { booking { status } userErrors { code field message } } }',
  };
  const run = async (action: string, id: string) => {
    const res = await t.gql<
      Record<string, { booking: { status: string } | null; userErrors: Array<{ code: string }> }>
    >(ACTIONS[action] ?? '', { id }, asAdmin());
    const payload = Object.values(res.data ?? {})[0];
    if (!payload) throw new Error(JSON.stringify(res));
    return payload;
  };

  /** A booking brought into `status` through the API. */
  async function bookingIn(status: string): Promise<string> {
    const date = nextMonday();
    const serviceId =
      status === 'PENDING' || status === 'CONFIRMED_FROM_PENDING' ? confirmServiceId : s.serviceId;
    const { id } = await bookedId({ serviceId, startsAt: at(date, '09:00') });
    now = Date.parse(at(date, '10:00'));
    try {
      if (status === 'CANCELLED') await run('cancel', id);
      if (status === 'COMPLETED') await run('complete', id);
      if (status === 'NO_SHOW') await run('noShow', id);
    } finally {
      now = START;
    }
    return id;
  }

  const ALLOWED: Record<string, Record<string, string | null>> = {
    PENDING: { confirm: 'CONFIRMED', cancel: 'CANCELLED', complete: null, noShow: null },
    CONFIRMED: { confirm: null, cancel: 'CANCELLED', complete: 'COMPLETED', noShow: 'NO_SHOW' },
    CANCELLED: { confirm: null, cancel: null, complete: null, noShow: null },
    COMPLETED: { confirm: null, cancel: null, complete: null, noShow: 'NO_SHOW' },
    NO_SHOW: { confirm: null, cancel: null, complete: 'COMPLETED', noShow: null },
  };
  const cases = Object.entries(ALLOWED).flatMap(([from, actions]) =>
    Object.entries(actions).map(([action, to]) => [from, action, to] as const),
  );

  it.each(cases)('%s --%s--> %s', async (from, action, to) => {
    const id = await bookingIn(from);
    const [before] = await sql(t.database, 'select status, updated_at from booking where id = $1', [
      id,
    ]);
    expect(before?.status).toBe(from);
    const bookingStart = (
      await sql<{ starts_at: Date }>(t.database, 'select starts_at from booking where id = $1', [
        id,
      ])
    )[0]?.starts_at;
    now = (bookingStart?.getTime() ?? START) + 3_600_000;
    try {
      const payload = await run(action, id);
      if (to) {
        expect(payload.userErrors).toEqual([]);
        expect(payload.booking?.status).toBe(to);
      } else {
        expect(payload.booking).toBeNull();
        expect(payload.userErrors).toEqual([
          {
            code: 'INVALID_TRANSITION',
            field: ['id'],
            message: expect.stringContaining(`a ${from} booking`),
          },
        ]);
        const [after] = await sql(
          t.database,
          'select status, updated_at from booking where id = $1',
          [id],
        );
        expect(after).toEqual(before);
      }
    } finally {
      now = START;
    }
  });

  it('records when and why a booking was cancelled, and frees its time', async () => {
    const date = nextMonday();
    const { id } = await bookedId({ startsAt: at(date, '09:00') });
    const payload = (
      await t.gql<{ cancelBooking: { booking: Record<string, unknown> } }>(
        ACTIONS.cancel ?? '',
        { id },
        asAdmin(),
      )
    ).data?.cancelBooking;
    expect(payload?.booking).toEqual({
      status: 'CANCELLED',
      cancelledAt: new Date(START).toISOString(),
      cancellationReason: 'Staff ill',
    });
    const again = await book(t, slug(), { serviceId: s.serviceId, startsAt: at(date, '09:00') });
    expect(again.data?.createBooking.booking?.status).toBe('CONFIRMED');
  });

  it('refuses to complete or mark as no-show before the start', async () => {
    const date = nextMonday();
    const { id } = await bookedId({ startsAt: at(date, '09:00') });
    for (const action of ['complete', 'noShow']) {
      const payload = await run(action, id);
      expect(payload.userErrors).toEqual([
        {
          code: 'INVALID_TRANSITION',
          field: ['id'],
          message: expect.stringContaining('before it starts'),
        },
      ]);
    }
  });

  it('answers NOT_FOUND for an unknown booking', async () => {
    const payload = await run('confirm', randomUUID());
    expect(payload.userErrors[0]?.code).toBe('NOT_FOUND');
    expect((await run('cancel', 'nope')).userErrors[0]?.code).toBe('NOT_FOUND');
  });
});

describe('rescheduleBooking', () => {
  const RESCHEDULE =
    'mutation ($id: ID!, $at: DateTime!) { rescheduleBooking(id: $id, startsAt: $at) { booking { id startsAt endsAt status } userErrors { code field message } } }';
  const move = (id: string, startsAt: string) =>
    t.gql<{
      rescheduleBooking: {
        booking: { startsAt: string } | null;
        userErrors: Array<{ code: string; field: string[] }>;
      };
    }>(RESCHEDULE, { id, at: startsAt }, asAdmin());

  it('moves the booking atomically: the new time is taken, the old one freed', async () => {
    const date = nextMonday();
    const { id } = await bookedId({ startsAt: at(date, '09:00') });
    const res = await move(id, at(date, '13:00'));
    expect(res.data?.rescheduleBooking.booking).toMatchObject({
      id,
      startsAt: at(date, '13:00'),
      endsAt: at(date, '14:00'),
      status: 'CONFIRMED',
    });
    const freed = await book(t, slug(), { serviceId: s.serviceId, startsAt: at(date, '09:00') });
    expect(freed.data?.createBooking.booking).toBeTruthy();
    const taken = await book(t, slug(), { serviceId: s.serviceId, startsAt: at(date, '13:00') });
    expect(taken.data?.createBooking.userErrors[0]?.code).toBe('BOOKING_CONFLICT');
  });

  it('may move into time that only the booking itself holds', async () => {
    const date = nextMonday();
    const interval = await createService(s.admin, {
      name: 'Flexible',
      durationMinutes: 60,
      slotIntervalMinutes: 30,
    });
    const { id } = await bookedId({ serviceId: interval, startsAt: at(date, '09:00') });
    const res = await move(id, at(date, '09:30'));
    expect(res.data?.rescheduleBooking.booking?.startsAt).toBe(at(date, '09:30'));
  });

  it('leaves the booking where it was when the new time is taken or not offered', async () => {
    const date = nextMonday();
    const { id } = await bookedId({ startsAt: at(date, '09:00') });
    await bookedId({ startsAt: at(date, '11:00') });
    const before = await sql(
      t.database,
      'select starts_at, ends_at, occupied_start, occupied_end, updated_at from booking where id = $1',
      [id],
    );
    expect((await move(id, at(date, '11:00'))).data?.rescheduleBooking.userErrors).toEqual([
      { code: 'BOOKING_CONFLICT', field: ['startsAt'], message: expect.any(String) },
    ]);
    expect((await move(id, at(date, '11:20'))).data?.rescheduleBooking.userErrors[0]).toMatchObject(
      { code: 'SLOT_UNAVAILABLE', field: ['startsAt'] },
    );
    expect(
      (await move(id, '2025-06-02T09:00:00Z')).data?.rescheduleBooking.userErrors[0]?.code,
    ).toBe('OUTSIDE_BOOKING_WINDOW');
    expect(
      await sql(
        t.database,
        'select starts_at, ends_at, occupied_start, occupied_end, updated_at from booking where id = $1',
        [id],
      ),
    ).toEqual(before);
  });

  it('refuses to move a cancelled booking', async () => {
    const date = nextMonday();
    const { id } = await bookedId({ startsAt: at(date, '09:00') });
    await t.gql(
      'mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { code } } }',
      { id },
      asAdmin(),
    );
    expect((await move(id, at(date, '10:00'))).data?.rescheduleBooking.userErrors[0]?.code).toBe(
      'INVALID_TRANSITION',
    );
  });

  it('moves a group booking into another session', async () => {
    const date = nextMonday();
    const { id } = await bookedId({
      serviceId: groupServiceId,
      startsAt: at(date, '09:00'),
      seats: 2,
    });
    await book(t, slug(), { serviceId: groupServiceId, startsAt: at(date, '10:00'), seats: 3 });
    expect((await move(id, at(date, '10:00'))).data?.rescheduleBooking.booking?.startsAt).toBe(
      at(date, '10:00'),
    );
    const keys = await sql<{ session_key: string }>(
      t.database,
      'select distinct session_key from booking where service_id = $1 and starts_at = $2',
      [groupServiceId, at(date, '10:00')],
    );
    expect(keys).toHaveLength(1);
    const tooFull = await bookedId({
      serviceId: groupServiceId,
      startsAt: at(date, '11:00'),
      seats: 1,
    });
    expect(
      (await move(tooFull.id, at(date, '10:00'))).data?.rescheduleBooking.userErrors[0]?.code,
    ).toBe('CAPACITY_EXCEEDED');
  });
});

describe('customer self-service with the manage token', () => {
  const BY_TOKEN =
    'query ($token: String!) { bookingByToken(token: $token) { id status startsAt customerName } }';
  const CANCEL =
    'mutation ($token: String!) { cancelBookingByToken(token: $token, reason: "Cannot make it") { booking { status cancellationReason } userErrors { code field message } } }';
  const MOVE =
    'mutation ($token: String!, $at: DateTime!) { rescheduleBookingByToken(token: $token, startsAt: $at) { booking { startsAt } userErrors { code field message } } }';

  it('reads, moves and cancels its one booking', async () => {
    const date = nextMonday();
    const { id, token } = await bookedId({ startsAt: at(date, '09:00') });
    const read = await t.gql(BY_TOKEN, { token }, { tenant: slug() });
    expect(read.data).toEqual({
      bookingByToken: {
        id,
        status: 'CONFIRMED',
        startsAt: at(date, '09:00'),
        customerName: 'Ada Lovelace',
      },
    });
    const moved = await t.gql(MOVE, { token, at: at(date, '15:00') }, { tenant: slug() });
    expect(moved.data).toEqual({
      rescheduleBookingByToken: { booking: { startsAt: at(date, '15:00') }, userErrors: [] },
    });
    const cancelled = await t.gql(CANCEL, { token }, { tenant: slug() });
    expect(cancelled.data).toEqual({
      cancelBookingByToken: {
        booking: { status: 'CANCELLED', cancellationReason: 'Cannot make it' },
        userErrors: [],
      },
    });
  });

  it('refuses changes inside the cancellation notice, but still reads', async () => {
    const date = nextMonday();
    const { token } = await bookedId({ startsAt: at(date, '09:00') });
    now = Date.parse(at(date, '09:00')) - 1440 * 60_000 + 1000; // 23:59:59 before the start
    try {
      for (const [op, vars] of [
        [CANCEL, { token }],
        [MOVE, { token, at: at(date, '15:00') }],
      ] as const) {
        const res = await t.gql<Record<string, { booking: null; userErrors: unknown[] }>>(
          op,
          vars,
          { tenant: slug() },
        );
        expect(Object.values(res.data ?? {})[0]).toEqual({
          booking: null,
          userErrors: [
            {
              code: 'TOO_LATE_TO_CHANGE',
              field: ['token'],
              message: expect.stringContaining('1440 minutes'),
            },
          ],
        });
      }
      expect((await t.gql(BY_TOKEN, { token }, { tenant: slug() })).data).toMatchObject({
        bookingByToken: { status: 'CONFIRMED' },
      });
      now = Date.parse(at(date, '09:00')) - 1440 * 60_000; // exactly at the notice: still allowed
      expect((await t.gql(CANCEL, { token }, { tenant: slug() })).data).toMatchObject({
        cancelBookingByToken: { booking: { status: 'CANCELLED' } },
      });
    } finally {
      now = START;
    }
  });

  it('knows nothing of unknown tokens', async () => {
    for (const token of ['bkm_not-a-real-token-not-a-real-token-not-a-real', 'garbage', '']) {
      expect((await t.gql(BY_TOKEN, { token }, { tenant: slug() })).data).toEqual({
        bookingByToken: null,
      });
      expect((await t.gql(CANCEL, { token }, { tenant: slug() })).data).toMatchObject({
        cancelBookingByToken: { userErrors: [{ code: 'NOT_FOUND', field: ['token'] }] },
      });
    }
  });

  it('works in its own tenant only', async () => {
    const date = nextMonday();
    const { token } = await bookedId({ startsAt: at(date, '09:00') });
    const other = await scenario(t, 'other-salon', { windows: weekdays('09:00', '17:00') });
    expect((await t.gql(BY_TOKEN, { token }, { tenant: other.tenant.slug })).data).toEqual({
      bookingByToken: null,
    });
    const res = await t.gql(CANCEL, { token }, { tenant: other.tenant.slug });
    expect(res.data).toMatchObject({
      cancelBookingByToken: { booking: null, userErrors: [{ code: 'NOT_FOUND' }] },
    });
    expect((await t.gql(BY_TOKEN, { token }, { tenant: slug() })).data).toMatchObject({
      bookingByToken: { status: 'CONFIRMED' },
    });
  });
});

describe('admin listing', () => {
  let lister: Scenario;
  const LIST = `query ($filter: BookingFilter, $first: Int, $after: String) {
    bookings(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id reference startsAt status customerName service { id name } resource { id name } } }
    }
  }`;
  type Page = {
    bookings: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{
        cursor: string;
        node: {
          id: string;
          reference: string;
          startsAt: string;
          status: string;
          customerName: string;
        };
      }>;
    };
  };
  const list = (variables: Record<string, unknown>, options = { tenant: 'lister', token: '' }) =>
    t.gql<Page>(LIST, variables, { ...options, token: options.token || lister.tenant.token });
  let second: string;

  beforeAll(async () => {
    lister = await scenario(t, 'lister', {
      windows: everyDay('08:00', '18:00'),
      service: { durationMinutes: 30 },
    });
    second = await createService(lister.admin, { name: 'Second', durationMinutes: 30 });
    // No email for these bookings: the notification worker shares the ORM, and its statements
    // would land in the statement counts below while it works through 240 messages.
    const off = await lister.admin<{ updateTenant: { userErrors: unknown[] } }>(
      'mutation { updateTenant(input: { emailEnabled: false }) { userErrors { message } } }',
    );
    expect(off.updateTenant.userErrors).toEqual([]);
    // 120 bookings: 20 days x 6, two of them at the same instant on two resources.
    const otherResource = (
      await lister.admin<{ createResource: { resource: { id: string } } }>(
        'mutation { createResource(name: "Room 2") { resource { id } } }',
      )
    ).createResource.resource.id;
    await lister.admin(
      'mutation ($id: ID!) { setWeeklyWindows(resourceId: $id, windows: [{ weekday: MONDAY, startTime: "08:00", endTime: "18:00" }, { weekday: TUESDAY, startTime: "08:00", endTime: "18:00" }, { weekday: WEDNESDAY, startTime: "08:00", endTime: "18:00" }, { weekday: THURSDAY, startTime: "08:00", endTime: "18:00" }, { weekday: FRIDAY, startTime: "08:00", endTime: "18:00" }, { weekday: SATURDAY, startTime: "08:00", endTime: "18:00" }, { weekday: SUNDAY, startTime: "08:00", endTime: "18:00" }]) { userErrors { message } } }',
      { id: otherResource },
    );
    const onRoom2 = await createService(lister.admin, {
      name: 'Room 2 session',
      durationMinutes: 30,
      resourceId: otherResource,
    });
    let n = 0;
    for (let d = 0; d < 20; d++) {
      const date = new Date(Date.parse('2026-03-02T00:00:00Z') + d * 86_400_000)
        .toISOString()
        .slice(0, 10);
      for (const [hour, serviceId] of [
        ['08:00', lister.serviceId],
        ['09:00', second],
        ['10:00', lister.serviceId],
        ['11:00', second],
        ['12:00', lister.serviceId],
        ['08:00', onRoom2],
      ] as const) {
        const name = n === 7 ? 'Zoë 50%_Off' : `Customer ${String(n).padStart(3, '0')}`;
        const res = await book(t, 'lister', {
          serviceId,
          startsAt: `${date}T${hour}:00Z`,
          customer: { name, email: `c${n}@example.com` },
        });
        if (!res.data?.createBooking.booking) throw new Error(JSON.stringify(res));
        n++;
      }
    }
  });

  it('pages through every booking once, in start order then id, with a stable total', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res: { data?: Page | null } = await list({ first: 50, after });
      const conn = res.data?.bookings;
      if (!conn) throw new Error('no page');
      expect(conn.totalCount).toBe(120);
      seen.push(...conn.edges.map((e) => e.node.id));
      expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)?.cursor ?? null);
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(120);
    const rows = await sql<{ id: string }>(
      t.database,
      'select id from booking where tenant_id = $1 order by starts_at, id',
      [lister.tenant.id],
    );
    expect(seen).toEqual(rows.map((r) => r.id));
  });

  it('filters by time, status, service and search', async () => {
    const window = await list({
      filter: { from: '2026-03-03T00:00:00Z', to: '2026-03-04T00:00:00Z' },
      first: 100,
    });
    expect(window.data?.bookings.totalCount).toBe(6);
    const edge = await list({
      filter: { from: '2026-03-02T08:00:00Z', to: '2026-03-02T09:00:00Z' },
    });
    expect(edge.data?.bookings.totalCount).toBe(2);
    const bySecond = await list({ filter: { serviceIds: [second] }, first: 100 });
    expect(bySecond.data?.bookings.totalCount).toBe(40);
    const oneRef = (await list({ first: 1 })).data?.bookings.edges[0]?.node;
    const byRef = await list({ filter: { search: oneRef?.reference.toLowerCase() } });
    expect(byRef.data?.bookings.edges.map((e) => e.node.id)).toEqual([oneRef?.id]);
    const byEmail = await list({ filter: { search: 'C11@EXAMPLE' } });
    expect(byEmail.data?.bookings.edges.map((e) => e.node.customerName)).toEqual(['Customer 011']);
    const wildcard = await list({ filter: { search: '50%_' } });
    expect(wildcard.data?.bookings.edges.map((e) => e.node.customerName)).toEqual(['Zoë 50%_Off']);
    const literal = await list({ filter: { search: '%' } });
    expect(literal.data?.bookings.totalCount).toBe(1);
    const cancelledId = oneRef?.id ?? '';
    await lister.admin('mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { code } } }', {
      id: cancelledId,
    });
    const cancelled = await list({ filter: { statuses: ['CANCELLED'] } });
    expect(cancelled.data?.bookings.edges.map((e) => e.node.id)).toEqual([cancelledId]);
    const active = await list({ filter: { statuses: ['CONFIRMED', 'PENDING'] }, first: 0 });
    expect(active.data?.bookings).toMatchObject({
      totalCount: 119,
      edges: [],
      pageInfo: { hasNextPage: true },
    });
  });

  it('refuses a bad page size, cursor or range', async () => {
    expect((await list({ first: 201 })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['first'],
    });
    expect((await list({ after: 'not-a-cursor' })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['after'],
    });
    expect(
      (await list({ filter: { from: '2026-03-04T00:00:00Z', to: '2026-03-03T00:00:00Z' } }))
        .errors?.[0]?.extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: ['filter', 'to'] });
  });

  it('lists 100 bookings with their service and resource in a fixed number of statements', async () => {
    const ten = await t.statementsDuring(() => list({ first: 10 }));
    const hundred = await t.statementsDuring(async () => {
      const res = await list({ first: 100 });
      expect(res.data?.bookings.edges).toHaveLength(100);
      expect(res.data?.bookings.edges.every((e) => e.node.startsAt)).toBe(true);
    });
    expect(hundred.length).toBe(ten.length);
    // tenant, session (with its user), the page, the count, the services, the resources
    expect(hundred.length).toBeLessThanOrEqual(6);
    expect(hundred.filter((q) => /from "service"/.test(q))).toHaveLength(1);
    expect(hundred.filter((q) => /from "resource"/.test(q))).toHaveLength(1);
  });

  it('reads a later page by an index range from its cursor, not from the first booking', async () => {
    const cursor = (await list({ first: 7 })).data?.bookings.pageInfo.endCursor ?? '';
    const statements = await t.statementsDuring(() => list({ first: 7, after: cursor }));
    // The page's statement as logged, its parameters as placeholders, colours stripped.
    const logged = statements.find((q) => /from "booking".* order by/s.test(q)) ?? '';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
    const text = logged.replace(/\u001b\[[0-9;]*m/g, '').replace(/^\[query\] | \[took .*$/gs, '');
    const [startsAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Each placeholder gets the request's value: the tenant, the page size, the cursor.
    const cursorValues = [startsAt, id];
    const args: string[] = [];
    const numbered = text.replace(/\?/g, (_, offset: number) => {
      const before = text.slice(0, offset);
      if (before.endsWith('"tenant_id" = ')) args.push(lister.tenant.id);
      else if (before.endsWith('limit ')) args.push('8');
      else args.push(String(cursorValues.shift()));
      return `$${args.length}`;
    });
    expect(args).toHaveLength(4);
    // Planned for those values. The table is small, so the planner is told to read in index
    // order, as a large one would make it; what matters is where that read starts.
    const client = new pg.Client({ connectionString: databaseUrl(t.database) });
    client.on('error', () => {});
    await client.connect();
    const lines: string[] = [];
    try {
      await client.query('set enable_seqscan = off; set enable_sort = off');
      await client.query(`prepare page as ${numbered}`);
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `explain execute page(${args.map((v) => client.escapeLiteral(v)).join(', ')})`,
      );
      lines.push(...plan.rows.map((row) => row['QUERY PLAN']));
    } finally {
      await client.end();
    }
    expect(lines.find((l) => l.includes('Index Cond'))).toMatch(/ROW\(starts_at, id\) > ROW\(/);
  });

  it('is open to PARTNER keys, which cannot change anything', async () => {
    const partner = await createApiKey(t, lister.tenant, 'PARTNER');
    const res = await t.gql<Page>(LIST, { first: 5 }, { token: partner.secret });
    expect(res.data?.bookings.totalCount).toBe(120);
    const id = res.data?.bookings.edges[0]?.node.id;
    expect(
      (
        await t.gql(
          'query ($id: ID!) { booking(id: $id) { id } }',
          { id },
          { token: partner.secret },
        )
      ).data,
    ).toEqual({ booking: { id } });
    for (const op of [
      'mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { code } } }',
      'mutation ($id: ID!) { confirmBooking(id: $id) { userErrors { code } } }',
      'mutation ($id: ID!) { rescheduleBooking(id: $id, startsAt: "2026-03-02T13:00:00Z") { userErrors { code } } }',
    ]) {
      expect(
        (await t.gql(op, { id }, { token: partner.secret })).errors?.[0]?.extensions?.code,
      ).toBe('FORBIDDEN');
    }
    expect((await t.gql(LIST, {}, { tenant: 'lister' })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it("shows one tenant nothing of another's bookings", async () => {
    const theirs = (await list({ first: 1 })).data?.bookings.edges[0]?.node.id ?? '';
    const mine = await list({ first: 200 }, { tenant: slug(), token: s.tenant.token });
    expect(JSON.stringify(mine.data)).not.toContain(theirs);
    const unknown = randomUUID();
    for (const op of [
      'query ($id: ID!) { booking(id: $id) { id } }',
      'mutation ($id: ID!) { cancelBooking(id: $id) { booking { id } userErrors { code field message } } }',
      'mutation ($id: ID!) { confirmBooking(id: $id) { booking { id } userErrors { code field message } } }',
      'mutation ($id: ID!) { rescheduleBooking(id: $id, startsAt: "2026-03-02T13:00:00Z") { booking { id } userErrors { code field message } } }',
    ]) {
      const withTheirs = await t.gql(op, { id: theirs }, asAdmin());
      const withUnknown = await t.gql(op, { id: unknown }, asAdmin());
      expect(JSON.stringify(withTheirs).replaceAll(theirs, 'ID')).toBe(
        JSON.stringify(withUnknown).replaceAll(unknown, 'ID'),
      );
    }
    expect(
      (
        await sql<{ status: string }>(t.database, 'select status from booking where id = $1', [
          theirs,
        ])
      )[0]?.status,
    ).toBe('CANCELLED');
  });
});
