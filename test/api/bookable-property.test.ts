import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { book, createService, OVERLAPS_SQL, type Scenario, scenario } from '../helpers/scenario.js';

/**
 * Over generated schedules: a start that `slots` offers can be booked, and a start it does
 * not offer is refused with a clear code. Each run gets its own resource and service.
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

const scheduleArb = fc.record({
  windows: fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: 6 }),
      start: fc.integer({ min: 0, max: 1380 }),
      length: fc.integer({ min: 30, max: 600 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  duration: fc.integer({ min: 10, max: 120 }),
  interval: fc.option(fc.integer({ min: 5, max: 120 }), { nil: undefined }),
  bufferBefore: fc.integer({ min: 0, max: 30 }),
  bufferAfter: fc.integer({ min: 0, max: 30 }),
  capacity: fc.integer({ min: 1, max: 3 }),
  // around the clock changes of 2026 in London, and an ordinary week
  from: fc.constantFrom('2026-03-27', '2026-10-23', '2026-06-08'),
  pickOffered: fc.nat(),
  notOfferedMinute: fc.integer({ min: 0, max: 3 * 1440 - 1 }),
});

describe('bookable exactly when offered', () => {
  it(`holds over ${RUNS} generated schedules`, async () => {
    let run = 0;
    let booked = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(scheduleArb, async (c) => {
        run++;
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
        if (offered.length > 0) {
          const pick = offered[c.pickOffered % offered.length];
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
      `bookable property: ${RUNS} schedules, ${booked} offered starts booked, ${refused} starts not offered refused`,
    );
    expect(booked).toBeGreaterThan(RUNS / 2);
    const [row] = await sql<{ n: number }>(t.database, OVERLAPS_SQL);
    expect(row?.n).toBe(0);
  });
});
