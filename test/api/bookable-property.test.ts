import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { book, createService, OVERLAPS_SQL, type Scenario, scenario } from '../helpers/scenario.js';

/**
 * Over generated schedules: a start that `slots` offers can be booked, and a start it does
 * not offer is refused with a clear code. Each run gets its own resource and service, in one
 * of three zones, often around one of the zone's clock changes, sometimes with a late
 * Saturday window that America/Nuuk's spring change pushes past midnight.
 */
const RUNS = 30;
const REFUSALS = new Set([
  'SLOT_UNAVAILABLE',
  'BOOKING_CONFLICT',
  'OUTSIDE_BOOKING_WINDOW',
  'CAPACITY_EXCEEDED',
]);
const NOW = Date.parse('2026-01-01T00:00:00Z');

let t: TestApp;
let s: Scenario;
beforeAll(async () => {
  t = await startTestApp({}, { clock: () => NOW });
  s = await scenario(t, 'prop', { timeZone: 'Europe/London', windows: [] });
});
afterAll(() => t?.close());

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

const ZONES = ['Europe/London', 'America/Nuuk', 'America/Santiago'];

const scheduleArb = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    // The range starts on an ordinary day, or the day before one of the zone's clock changes.
    day: fc.integer({ min: 0, max: 700 }),
    nearChange: fc.boolean(),
    // A window on the range's first or second day, so that most runs offer something...
    first: fc.record({
      dayOffset: fc.integer({ min: 0, max: 1 }),
      start: fc.integer({ min: 0, max: 1200 }),
      extra: fc.integer({ min: 60, max: 480 }),
    }),
    // ...and more anywhere in the week.
    windows: fc.array(
      fc.record({
        day: fc.integer({ min: 0, max: 6 }),
        start: fc.integer({ min: 0, max: 1380 }),
        length: fc.integer({ min: 30, max: 600 }),
      }),
      { maxLength: 5 },
    ),
    lateSaturday: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      { arbitrary: fc.integer({ min: 1381, max: 1439 }), weight: 1 },
    ),
    duration: fc.integer({ min: 10, max: 120 }),
    interval: fc.option(fc.integer({ min: 5, max: 120 }), { nil: undefined }),
    bufferBefore: fc.integer({ min: 0, max: 30 }),
    bufferAfter: fc.integer({ min: 0, max: 30 }),
    capacity: fc.integer({ min: 1, max: 3 }),
    pickOffered: fc.nat(),
    notOfferedMinute: fc.integer({ min: 0, max: 3 * 1440 - 1 }),
  })
  .map((c) => {
    // The Saturday window ending between 23:00 and 24:00, in Nuuk, the night of its change.
    const zone = c.lateSaturday ? 'America/Nuuk' : c.zone;
    const day = Temporal.PlainDate.from('2026-01-02').add({ days: c.day });
    const from =
      c.nearChange || c.lateSaturday
        ? (
            day.toZonedDateTime({ timeZone: zone }).getTimeZoneTransition('next')?.toPlainDate() ??
            day
          ).subtract({ days: 1 })
        : day;
    const firstDay = (from.dayOfWeek - 1 + c.first.dayOffset) % 7;
    const windows = [
      {
        day: firstDay,
        start: c.first.start,
        length: Math.max(c.duration + c.bufferBefore + c.bufferAfter, 30) + c.first.extra,
      },
      ...c.windows,
      ...(c.lateSaturday ? [{ day: 5, start: 1320, length: c.lateSaturday - 1320 }] : []),
    ];
    return { ...c, zone, from: from.toString(), windows };
  });

describe('bookable exactly when offered', () => {
  it(`holds over ${RUNS} generated schedules`, async () => {
    let run = 0;
    let booked = 0;
    let refused = 0;
    let crossed = 0;
    await fc.assert(
      fc.asyncProperty(scheduleArb, async (c) => {
        run++;
        await s.admin(
          'mutation ($z: TimeZone!) { updateTenant(input: { timeZone: $z }) { userErrors { message } } }',
          { z: c.zone },
        );
        const resource = await s.admin<{ createResource: { resource: { id: string } } }>(
          'mutation ($n: String!) { createResource(name: $n) { resource { id } } }',
          {
            n: `Room ${run}`,
          },
        );
        const resourceId = resource.createResource.resource.id;
        await s.admin(
          'mutation ($id: ID!, $w: [WeeklyWindowInput!]!) { setWeeklyWindows(resourceId: $id, windows: $w) { userErrors { message } } }',
          {
            id: resourceId,
            w: c.windows.map((w) => ({
              weekday: DAYS[w.day],
              startTime: hhmm(w.start),
              endTime: hhmm(Math.min(1440, w.start + w.length)),
            })),
          },
        );
        const serviceId = await createService(s.admin, {
          name: `Service ${run}`,
          resourceId,
          durationMinutes: c.duration,
          slotIntervalMinutes: c.interval,
          bufferBeforeMinutes: c.bufferBefore,
          bufferAfterMinutes: c.bufferAfter,
          capacity: c.capacity,
        });
        const to = new Date(Date.parse(`${c.from}T00:00:00Z`) + 2 * 86_400_000)
          .toISOString()
          .slice(0, 10);
        const slotsOf = async () =>
          (
            await t.gql<{ slots: Array<{ startsAt: string; remainingCapacity: number }> }>(
              'query ($id: ID!, $from: LocalDate!, $to: LocalDate!) { slots(serviceId: $id, from: $from, to: $to) { startsAt remainingCapacity } }',
              { id: serviceId, from: c.from, to },
              { tenant: 'prop' },
            )
          ).data?.slots ?? [];
        const offered = await slotsOf();
        // Where the night of Nuuk's change offers starts after midnight, one of those is taken.
        const pastMidnight = offered.filter((x) => {
          const local = Temporal.Instant.from(x.startsAt).toZonedDateTimeISO(c.zone);
          return c.lateSaturday !== null && local.dayOfWeek === 7 && local.hour === 0;
        });
        const choices = pastMidnight.length > 0 ? pastMidnight : offered;
        if (choices.length > 0) {
          const pick = choices[c.pickOffered % choices.length];
          if (pastMidnight.length > 0) crossed++;
          const res = await book(t, 'prop', { serviceId, startsAt: pick?.startsAt });
          expect(res.data?.createBooking.userErrors).toEqual([]);
          expect(res.data?.createBooking.booking?.startsAt).toBe(pick?.startsAt);
          booked++;
          const after = await slotsOf();
          const again = after.find((x) => x.startsAt === pick?.startsAt);
          if (c.capacity === 1) expect(again).toBeUndefined();
          else expect(again?.remainingCapacity).toBe((pick?.remainingCapacity ?? 0) - 1);
        }
        // A start not offered now (the booking above may have taken some): refused, clearly.
        const offeredNow = new Set((await slotsOf()).map((x) => x.startsAt));
        const origin = Date.parse(`${c.from}T00:00:00Z`) - 3600_000;
        let candidate = origin + c.notOfferedMinute * 60_000;
        while (offeredNow.has(new Date(candidate).toISOString())) candidate += 60_000;
        const refusal = await book(t, 'prop', {
          serviceId,
          startsAt: new Date(candidate).toISOString(),
        });
        expect(refusal.errors).toBeUndefined();
        expect(refusal.data?.createBooking.booking).toBeNull();
        const codes = refusal.data?.createBooking.userErrors.map((e) => e.code) ?? [];
        expect(codes).toHaveLength(1);
        expect(REFUSALS.has(codes[0] ?? '')).toBe(true);
        refused++;
      }),
      { numRuns: RUNS },
    );
    console.log(
      `bookable property: ${RUNS} schedules, ${booked} offered starts booked (${crossed} pushed past midnight by a clock change), ${refused} starts not offered refused`,
    );
    expect(booked).toBeGreaterThan(RUNS / 2);
    const [row] = await sql<{ n: number }>(t.database, OVERLAPS_SQL);
    expect(row?.n).toBe(0);
  });

  it('books the start that a clock change pushed past midnight (America/Nuuk, the night of 2027-03-27)', async () => {
    const nuuk = await scenario(t, 'nuuk', {
      timeZone: 'America/Nuuk',
      windows: [{ weekday: 'SATURDAY', startTime: '22:00', endTime: '23:50' }],
      service: { durationMinutes: 30 },
    });
    const res = await t.gql<{ slots: Array<{ startsAt: string }> }>(
      'query ($id: ID!) { slots(serviceId: $id, from: "2027-03-27", to: "2027-03-27") { startsAt } }',
      { id: nuuk.serviceId },
      { tenant: 'nuuk' },
    );
    expect(res.data?.slots.map((x) => x.startsAt)).toEqual([
      '2027-03-28T00:00:00.000Z',
      '2027-03-28T00:30:00.000Z',
      '2027-03-28T01:00:00.000Z',
    ]);
    for (const startsAt of ['2027-03-28T01:00:00.000Z', '2027-03-28T00:00:00.000Z']) {
      const booked = await book(t, 'nuuk', { serviceId: nuuk.serviceId, startsAt });
      expect(booked.data?.createBooking.userErrors).toEqual([]);
      expect(booked.data?.createBooking.booking?.startsAt).toBe(startsAt);
    }
    // Moving one to the last start of the night is the same check.
    const again = await t.gql<{ slots: Array<{ startsAt: string }> }>(
      'query ($id: ID!) { slots(serviceId: $id, from: "2027-03-27", to: "2027-03-27") { startsAt } }',
      { id: nuuk.serviceId },
      { tenant: 'nuuk' },
    );
    expect(again.data?.slots.map((x) => x.startsAt)).toEqual(['2027-03-28T00:30:00.000Z']);
  });
});
