import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import {
  book,
  createService,
  OCCUPANCY_OVERLAPS_SQL,
  type Scenario,
  scenario,
} from '../helpers/scenario.js';

/**
 * Over generated pools of 1-4 resources with 0-2 requirements of 1-3, each resource with its
 * own windows, blackouts and bookings: the pooled `slots` offers exactly the starts that a
 * member of the pool and of every requirement offers by the one-resource rules (asked of each
 * resource through a one-resource service of the same shape), lists exactly those members,
 * and every offered start books on the member listed first; a start not offered is refused.
 */
const RUNS = 15;
const NOW = Date.parse('2027-05-01T00:00:00Z');
const FROM = '2027-05-03';
const TO = '2027-05-04';
const DAYS = ['MONDAY', 'TUESDAY'];

let t: TestApp;
let s: Scenario;
beforeAll(async () => {
  t = await startTestApp({ EMAIL_ENABLED: 'false' }, { clock: () => NOW });
  s = await scenario(t, 'pool-prop', { timeZone: 'Europe/London', windows: [] });
});
afterAll(() => t?.close());

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

const resourceArb = fc.record({
  windows: fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: 1 }),
      // Hours on the hour, so that most resources' grids meet (the rules hold either way).
      start: fc.integer({ min: 0, max: 16 }).map((h) => h * 60),
      length: fc.integer({ min: 4, max: 12 }).map((h) => h * 60),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  blackout: fc.option(
    fc.record({ hour: fc.integer({ min: 0, max: 47 }), hours: fc.integer({ min: 1, max: 4 }) }),
    { nil: undefined },
  ),
  bookings: fc.array(fc.nat(), { maxLength: 2 }),
});

const caseArb = fc.record({
  pool: fc.array(resourceArb, { minLength: 1, maxLength: 4 }),
  requirements: fc.array(fc.array(resourceArb, { minLength: 1, maxLength: 3 }), {
    maxLength: 2,
  }),
  duration: fc.integer({ min: 2, max: 8 }).map((q) => q * 15),
  interval: fc.option(
    fc.integer({ min: 1, max: 4 }).map((q) => q * 15),
    { nil: undefined },
  ),
  bufferAfter: fc.constantFrom(0, 0, 15),
  assignment: fc.constantFrom('LEAST_BOOKED_DAY', 'PRIORITY', 'ROUND_ROBIN'),
  pick: fc.nat(),
  notOfferedMinute: fc.integer({ min: 0, max: 2 * 1440 - 1 }),
});

type Slot = { startsAt: string; resourceIds: string[] };

async function slotsOf(serviceId: string): Promise<Slot[]> {
  const res = await t.gql<{ slots: Slot[] }>(
    'query ($id: ID!, $f: LocalDate!, $t: LocalDate!) { slots(serviceId: $id, from: $f, to: $t) { startsAt resourceIds } }',
    { id: serviceId, f: FROM, t: TO },
    { tenant: 'pool-prop' },
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data?.slots ?? [];
}

describe('pooled slots', () => {
  it(`agree with the one-resource rules, and book as offered, over ${RUNS} generated pools`, async () => {
    let run = 0;
    let booked = 0;
    let offeredTotal = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        run++;
        const shape = {
          durationMinutes: c.duration,
          slotIntervalMinutes: c.interval,
          bufferAfterMinutes: c.bufferAfter,
        };
        // Each resource, its hours and blackout, and a one-resource service of the same shape.
        const make = async (spec: (typeof c.pool)[number], label: string) => {
          const made = await s.admin<{ createResource: { resource: { id: string } } }>(
            'mutation ($n: String!) { createResource(name: $n) { resource { id } } }',
            { n: `${label} ${run}` },
          );
          const id = made.createResource.resource.id;
          await s.admin(
            'mutation ($id: ID!, $w: [WeeklyWindowInput!]!) { setWeeklyWindows(resourceId: $id, windows: $w) { userErrors { message } } }',
            {
              id,
              w: spec.windows.map((w) => ({
                weekday: DAYS[w.day],
                startTime: hhmm(w.start),
                endTime: hhmm(Math.min(1440, w.start + w.length)),
              })),
            },
          );
          if (spec.blackout) {
            const start = Date.parse(`${FROM}T00:00:00+01:00`) + spec.blackout.hour * 3_600_000;
            await s.admin(
              'mutation ($input: BlackoutInput!) { createBlackout(input: $input) { userErrors { message } } }',
              {
                input: {
                  resourceId: id,
                  startsAt: new Date(start).toISOString(),
                  endsAt: new Date(start + spec.blackout.hours * 3_600_000).toISOString(),
                },
              },
            );
          }
          const probe = await createService(s.admin, {
            name: `Probe ${label} ${run}`,
            resourceId: id,
            ...shape,
          });
          // Some of its offered starts already booked.
          for (const n of spec.bookings) {
            const offered = await slotsOf(probe);
            const pick = offered[n % Math.max(offered.length, 1)];
            if (pick) await book(t, 'pool-prop', { serviceId: probe, startsAt: pick.startsAt });
          }
          return { id, probe };
        };
        const pool = [];
        for (const [i, spec] of c.pool.entries()) pool.push(await make(spec, `P${i}`));
        const requirements = [];
        for (const [n, list] of c.requirements.entries()) {
          const made = [];
          for (const [i, spec] of list.entries()) made.push(await make(spec, `R${n}.${i}`));
          requirements.push(made);
        }
        const serviceId = await createService(s.admin, {
          name: `Pooled ${run}`,
          resourceIds: pool.map((p) => p.id),
          requirements: requirements.map((list, n) => ({
            label: `Need ${n}`,
            resourceIds: list.map((r) => r.id),
          })),
          assignment: c.assignment,
          ...shape,
        });
        // The reference: what each resource offers on its own, composed as domain.md says.
        const starts = async (probe: string) =>
          new Set((await slotsOf(probe)).map((x) => x.startsAt));
        const poolStarts = await Promise.all(pool.map((p) => starts(p.probe)));
        const requirementStarts = await Promise.all(
          requirements.map(async (list) => {
            const each = await Promise.all(list.map((r) => starts(r.probe)));
            return new Set(each.flatMap((set) => [...set]));
          }),
        );
        const expected = new Map<string, string[]>();
        for (const [i, set] of poolStarts.entries()) {
          for (const start of set) {
            if (!requirementStarts.every((req) => req.has(start))) continue;
            expected.set(start, [...(expected.get(start) ?? []), pool[i]?.id ?? '']);
          }
        }
        const offered = await slotsOf(serviceId);
        offeredTotal += offered.length;
        expect(new Map(offered.map((x) => [x.startsAt, [...x.resourceIds].sort()]))).toEqual(
          new Map([...expected].map(([k, v]) => [k, [...v].sort()])),
        );
        // Every offered start books, on the member listed first.
        const pick = offered[c.pick % Math.max(offered.length, 1)];
        if (pick) {
          const res = await book(t, 'pool-prop', { serviceId, startsAt: pick.startsAt });
          expect(res.data?.createBooking.userErrors).toEqual([]);
          const bookingId = res.data?.createBooking.booking?.id as string;
          const [own] = await sql<{ resource_id: string }>(
            t.database,
            'select resource_id from booking where id = $1',
            [bookingId],
          );
          expect(own?.resource_id).toBe(pick.resourceIds[0]);
          const occupied = await sql(
            t.database,
            'select 1 from booking_resource where booking_id = $1',
            [bookingId],
          );
          expect(occupied).toHaveLength(1 + requirements.length);
          booked++;
        }
        // A start not offered now is refused, and holds nothing.
        const now = new Set((await slotsOf(serviceId)).map((x) => x.startsAt));
        let candidate = Date.parse(`${FROM}T00:00:00+01:00`) + c.notOfferedMinute * 60_000;
        while (now.has(new Date(candidate).toISOString())) candidate += 60_000;
        const refusal = await book(t, 'pool-prop', {
          serviceId,
          startsAt: new Date(candidate).toISOString(),
        });
        expect(refusal.errors).toBeUndefined();
        expect(refusal.data?.createBooking.booking).toBeNull();
      }),
      { numRuns: RUNS },
    );
    console.log(
      `pool property: ${RUNS} pools, ${offeredTotal} starts offered, ${booked} booked as offered`,
    );
    expect(booked).toBeGreaterThan(RUNS / 3);
    const [overlaps] = await sql<{ n: number }>(t.database, OCCUPANCY_OVERLAPS_SQL);
    expect(overlaps?.n).toBe(0);
  });
});
