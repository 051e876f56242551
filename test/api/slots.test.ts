import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { insertBooking } from '../helpers/bookings.js';
import { sql } from '../helpers/database.js';
import { type Scenario, scenario } from '../helpers/scenario.js';

/** The server's clock is pinned, so the 2026 examples are in the future whatever today is. */
const NOW = Date.parse('2026-01-01T00:00:00Z');

let t: TestApp;
const SLOTS =
  'query ($serviceId: ID!, $from: LocalDate!, $to: LocalDate!) { slots(serviceId: $serviceId, from: $from, to: $to) { startsAt endsAt remainingCapacity } }';

type Fixture = Scenario;

const fixture = (
  slug: string,
  timeZone: string,
  windows: unknown[],
  service: Record<string, unknown> = {},
) => scenario(t, slug, { timeZone, windows, service });

async function slots(f: Fixture, from: string, to = from, serviceId = f.serviceId) {
  const res = await t.gql<{
    slots: Array<{ startsAt: string; endsAt: string; remainingCapacity: number }>;
  }>(SLOTS, { serviceId, from, to }, { tenant: f.tenant.slug });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data?.slots ?? [];
}
const startsOf = async (f: Fixture, from: string, to = from) =>
  (await slots(f, from, to)).map((s) => s.startsAt.slice(0, 16));

const sunday0to4 = [{ weekday: 'SUNDAY', startTime: '00:00', endTime: '04:00' }];
let london: Fixture;

beforeAll(async () => {
  t = await startTestApp({}, { clock: () => NOW });
  london = await fixture('london', 'Europe/London', sunday0to4);
});
afterAll(() => t?.close());

describe('slots over HTTP', () => {
  it('answer the worked examples of the domain rules', async () => {
    expect(await startsOf(london, '2026-03-29')).toEqual([
      '2026-03-29T00:00',
      '2026-03-29T01:00',
      '2026-03-29T02:00',
    ]);
    expect(await startsOf(london, '2026-10-25')).toEqual([
      '2026-10-24T23:00',
      '2026-10-25T00:00',
      '2026-10-25T01:00',
      '2026-10-25T02:00',
      '2026-10-25T03:00',
    ]);
    const [first] = await slots(london, '2026-03-29');
    expect(first).toEqual({
      startsAt: '2026-03-29T00:00:00.000Z',
      endsAt: '2026-03-29T01:00:00.000Z',
      remainingCapacity: 1,
    });
  });

  it.each([
    [
      'America/New_York',
      '2026-03-08',
      ['2026-03-08T05:00', '2026-03-08T06:00', '2026-03-08T07:00'],
    ],
    [
      'America/New_York',
      '2026-11-01',
      [
        '2026-11-01T04:00',
        '2026-11-01T05:00',
        '2026-11-01T06:00',
        '2026-11-01T07:00',
        '2026-11-01T08:00',
      ],
    ],
    [
      'Australia/Sydney',
      '2026-04-05',
      [
        '2026-04-04T13:00',
        '2026-04-04T14:00',
        '2026-04-04T15:00',
        '2026-04-04T16:00',
        '2026-04-04T17:00',
      ],
    ],
    [
      'Australia/Sydney',
      '2026-10-04',
      ['2026-10-03T14:00', '2026-10-03T15:00', '2026-10-03T16:00'],
    ],
    [
      'Australia/Lord_Howe',
      '2026-10-04',
      ['2026-10-03T13:30', '2026-10-03T14:30', '2026-10-03T15:30'],
    ],
  ])('answer for %s on %s', async (zone, date, expected) => {
    const f = await fixture(
      `z-${zone.toLowerCase().replace(/[^a-z]/g, '-')}-${date}`,
      zone,
      sunday0to4,
    );
    expect(await startsOf(f, date)).toEqual(expected);
  });

  it('answer in a half-hour zone (Asia/Kolkata)', async () => {
    const f = await fixture('kolkata', 'Asia/Kolkata', [
      { weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' },
    ]);
    expect(await startsOf(f, '2026-03-30')).toEqual([
      '2026-03-30T03:30',
      '2026-03-30T04:30',
      '2026-03-30T05:30',
    ]);
  });

  it('follow date overrides and tenant-wide blackouts', async () => {
    const f = await fixture('overrides', 'UTC', [
      { weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' },
    ]);
    await f.admin(
      'mutation { setDateOverride(date: "2026-03-30", windows: []) { userErrors { message } } }',
    );
    await f.admin(
      'mutation { setDateOverride(date: "2026-03-29", windows: [{ startTime: "10:00", endTime: "12:00" }]) { userErrors { message } } }',
    );
    await f.admin(
      'mutation { createBlackout(input: { startsAt: "2026-04-06T10:30:00Z", endsAt: "2026-04-06T11:00:00Z" }) { userErrors { message } } }',
    );
    expect(await startsOf(f, '2026-03-29', '2026-04-06')).toEqual([
      '2026-03-29T10:00',
      '2026-03-29T11:00',
      '2026-04-06T09:00',
      '2026-04-06T11:00',
    ]);
  });

  it('leave out the time bookings occupy, with buffers', async () => {
    const f = await fixture(
      'busy',
      'UTC',
      [{ weekday: 'MONDAY', startTime: '09:00', endTime: '13:00' }],
      {
        durationMinutes: 30,
        slotIntervalMinutes: 30,
        bufferAfterMinutes: 15,
      },
    );
    await insertBooking(t.database, {
      tenantId: f.tenant.id,
      serviceId: f.serviceId,
      resourceId: f.resourceId,
      startsAt: '2026-03-30T10:00:00Z',
      durationMinutes: 30,
      bufferAfterMinutes: 15,
    });
    await insertBooking(t.database, {
      tenantId: f.tenant.id,
      serviceId: f.serviceId,
      resourceId: f.resourceId,
      startsAt: '2026-03-30T12:00:00Z',
      durationMinutes: 30,
      status: 'CANCELLED',
    });
    // 09:30 runs to 10:15 with its buffer; 10:00 is taken; 10:30 starts inside 10:00's buffer.
    expect(await startsOf(f, '2026-03-30')).toEqual([
      '2026-03-30T09:00',
      '2026-03-30T11:00',
      '2026-03-30T11:30',
      '2026-03-30T12:00',
      '2026-03-30T12:30',
    ]);
  });

  it('count the seats left in group sessions', async () => {
    const f = await fixture(
      'group',
      'UTC',
      [{ weekday: 'MONDAY', startTime: '09:00', endTime: '11:00' }],
      { capacity: 5 },
    );
    const sessionKey = randomUUID();
    for (const seats of [2, 1]) {
      await insertBooking(t.database, {
        tenantId: f.tenant.id,
        serviceId: f.serviceId,
        resourceId: f.resourceId,
        startsAt: '2026-03-30T09:00:00Z',
        durationMinutes: 60,
        seats,
        sessionKey,
      });
    }
    expect(
      (await slots(f, '2026-03-30')).map((s) => [s.startsAt.slice(11, 16), s.remainingCapacity]),
    ).toEqual([
      ['09:00', 2],
      ['10:00', 5],
    ]);
  });
});

describe('slots: bad requests', () => {
  const code = (res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
    res.errors?.[0]?.extensions;

  it('refuse from after to, and a range over 62 days', async () => {
    const backwards = await t.gql(
      SLOTS,
      { serviceId: london.serviceId, from: '2026-03-02', to: '2026-03-01' },
      { tenant: 'london' },
    );
    expect(code(backwards)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['to'] });
    expect(backwards.errors?.[0]?.message).toContain('must not be before from');
    const long = await t.gql(
      SLOTS,
      { serviceId: london.serviceId, from: '2026-03-01', to: '2026-05-02' },
      { tenant: 'london' },
    );
    expect(code(long)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['to'] });
    expect(long.errors?.[0]?.message).toContain('at most 62 days (got 63)');
    const longest = await t.gql(
      SLOTS,
      { serviceId: london.serviceId, from: '2026-03-01', to: '2026-05-01' },
      { tenant: 'london' },
    );
    expect(longest.errors).toBeUndefined();
  });

  it('refuse an unknown, inactive or foreign service the same way', async () => {
    const other = await fixture('foreign', 'UTC', sunday0to4);
    const inactive = await london.admin<{ createService: { service: { id: string } } }>(
      'mutation { createService(input: { name: "Old", durationMinutes: 30 }) { service { id } } }',
    );
    const inactiveId = inactive.createService.service.id;
    await london.admin(
      'mutation ($id: ID!) { setServiceActive(id: $id, active: false) { userErrors { message } } }',
      { id: inactiveId },
    );
    for (const serviceId of [randomUUID(), inactiveId, other.serviceId, 'not-an-id']) {
      const res = await t.gql(
        SLOTS,
        { serviceId, from: '2026-03-29', to: '2026-03-29' },
        { tenant: 'london' },
      );
      expect(code(res)).toMatchObject({ code: 'NOT_FOUND', field: ['serviceId'] });
      expect(res.errors?.[0]?.message).toBe(`No active service ${serviceId}`);
    }
  });
});

describe('slots: SQL statements', () => {
  it('reads its inputs in 4 statements whatever the range or number of bookings', async () => {
    const f = await fixture(
      'counted',
      'Europe/London',
      ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((weekday) => ({
        weekday,
        startTime: '09:00',
        endTime: '17:00',
      })),
    );
    const oneDay = await t.statementsDuring(() => slots(f, '2026-03-02'));
    for (let i = 0; i < 200; i++) {
      const day = new Date(
        Date.parse('2026-03-02T09:00:00Z') + Math.floor(i / 8) * 86_400_000 + (i % 8) * 3_600_000,
      );
      await insertBooking(t.database, {
        tenantId: f.tenant.id,
        serviceId: f.serviceId,
        resourceId: f.resourceId,
        startsAt: day.toISOString(),
        durationMinutes: 60,
      });
    }
    for (let i = 0; i < 20; i++) {
      await f.admin(
        'mutation ($d: LocalDate!) { setDateOverride(date: $d, windows: [{ startTime: "10:00", endTime: "12:00" }]) { userErrors { message } } }',
        {
          d: new Date(Date.parse('2026-03-10') + i * 86_400_000).toISOString().slice(0, 10),
        },
      );
    }
    const full = await t.statementsDuring(() => slots(f, '2026-03-01', '2026-05-01'));
    expect(full.length).toBe(oneDay.length);
    // One to resolve the tenant from X-Tenant, then the service with its pool, the
    // overrides, the blackouts and the occupancies.
    expect(full).toHaveLength(5);
    expect(full[0]).toMatch(/from "tenant"/);
    expect(
      full
        .slice(1)
        .map((q) => /from "(\w+)"(?![.)])/.exec(q)?.[1])
        .sort(),
    ).toEqual(['blackout', 'booking_resource', 'date_override', 'service']);
  });
});

describe('slots: isolation', () => {
  it("never count another tenant's bookings or blackouts", async () => {
    const mine = await fixture('iso-mine', 'UTC', [
      { weekday: 'MONDAY', startTime: '09:00', endTime: '11:00' },
    ]);
    const theirs = await fixture('iso-theirs', 'UTC', [
      { weekday: 'MONDAY', startTime: '09:00', endTime: '11:00' },
    ]);
    await insertBooking(t.database, {
      tenantId: theirs.tenant.id,
      serviceId: theirs.serviceId,
      resourceId: theirs.resourceId,
      startsAt: '2026-03-30T09:00:00Z',
      durationMinutes: 60,
    });
    await theirs.admin(
      'mutation { createBlackout(input: { startsAt: "2026-03-30T10:00:00Z", endsAt: "2026-03-30T11:00:00Z" }) { userErrors { message } } }',
    );
    expect(await startsOf(mine, '2026-03-30')).toEqual(['2026-03-30T09:00', '2026-03-30T10:00']);
    expect(await startsOf(theirs, '2026-03-30')).toEqual([]);
    expect(
      await sql(t.database, 'select 1 from booking where tenant_id = $1', [mine.tenant.id]),
    ).toHaveLength(0);
  });
});
