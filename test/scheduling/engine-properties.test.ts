import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  type MinuteWindow,
  mergeWeekdayWindows,
  mergeWindows,
  type WeekdayWindow,
} from '../../src/scheduling/local-time.js';
import {
  type BusySpan,
  computeSlots,
  explainStart,
  type Slot,
  type SlotQuery,
  type Span,
  unchangedUntil,
} from '../../src/scheduling/slot-engine.js';
import { localDateOf, windowDatesOf } from '../../src/scheduling/zone-time.js';

/** Generated cases per property; the closing note of issue 3 reports these. */
const RUNS = 300;
const MINUTE = 60_000;

const ZONES = [
  'Europe/London',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/Santiago', // clocks change at midnight
  'Pacific/Chatham', // +12:45 / +13:45
  'America/St_Johns', // -03:30 / -02:30
  'Europe/Dublin', // "negative" daylight saving in the database
  'Africa/Casablanca', // suspended DST around Ramadan
  'America/Nuuk', // skips and repeats Saturday 23:00-24:00: late windows cross midnight
  'America/Havana', // clocks change at midnight
  'Asia/Beirut', // clocks change at midnight
  'UTC',
];

const windowArb = fc
  .oneof(
    {
      arbitrary: fc.tuple(
        fc.integer({ min: 0, max: 1439 }),
        fc.oneof(
          { arbitrary: fc.integer({ min: 1, max: 60 }), weight: 1 },
          { arbitrary: fc.integer({ min: 60, max: 720 }), weight: 3 },
        ),
      ),
      weight: 3,
    },
    // Late windows, which a clock change around midnight pushes into the next day.
    {
      arbitrary: fc.tuple(fc.integer({ min: 1200, max: 1420 }), fc.integer({ min: 20, max: 240 })),
      weight: 1,
    },
  )
  .map(([start, length]): MinuteWindow => ({ start, end: Math.min(1440, start + length) }));

const caseArb = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    fromDay: fc.integer({ min: 0, max: 364 }),
    // Often the range starts the day before a clock change of the zone.
    nearChange: fc.boolean(),
    // Sometimes America/Nuuk with a Saturday window ending between 23:00 and 24:00, the hour
    // that its spring change skips (and its autumn change repeats).
    lateSaturday: fc.oneof(
      { arbitrary: fc.constant(null), weight: 5 },
      {
        arbitrary: fc.tuple(
          fc.integer({ min: 1200, max: 1380 }),
          fc.integer({ min: 1381, max: 1439 }),
        ),
        weight: 1,
      },
    ),
    days: fc.integer({ min: 1, max: 8 }),
    weekly: fc.array(fc.tuple(fc.integer({ min: 1, max: 7 }), windowArb), {
      minLength: 3,
      maxLength: 12,
    }),
    overrides: fc.array(
      fc.tuple(fc.integer({ min: 0, max: 7 }), fc.array(windowArb, { maxLength: 3 })),
      { maxLength: 3 },
    ),
    duration: fc.oneof(fc.integer({ min: 5, max: 90 }), fc.integer({ min: 5, max: 240 })),
    interval: fc.oneof(fc.integer({ min: 5, max: 90 }), fc.integer({ min: 5, max: 240 })),
    bufferBefore: fc.integer({ min: 0, max: 60 }),
    bufferAfter: fc.integer({ min: 0, max: 60 }),
    capacity: fc.integer({ min: 1, max: 4 }),
    notice: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 240 }), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: 3000 }), weight: 1 },
    ),
    maxAdvanceDays: fc.oneof(
      { arbitrary: fc.constant(60), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: 10 }), weight: 1 },
    ),
    // Mostly before the range, sometimes inside it.
    nowOffsetMinutes: fc.oneof(
      fc.integer({ min: -3 * 1440, max: 0 }),
      fc.integer({ min: -3 * 1440, max: 4 * 1440 }),
    ),
    blackouts: fc.array(
      fc.record({
        startMinute: fc.integer({ min: 0, max: 9 * 1440 }),
        length: fc.integer({ min: 1, max: 600 }),
        pick: fc.nat(),
        onSlot: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
    busy: fc.array(
      fc.record({
        startMinute: fc.integer({ min: 0, max: 9 * 1440 }),
        own: fc.boolean(),
        length: fc.integer({ min: 5, max: 300 }),
        seats: fc.integer({ min: 1, max: 3 }),
        onSlot: fc.boolean(),
        pick: fc.nat(),
      }),
      { maxLength: 6 },
    ),
  })
  .map((c): SlotQuery => {
    const timeZone = c.lateSaturday ? 'America/Nuuk' : c.timeZone;
    const day = Temporal.PlainDate.from('2026-01-01').add({ days: c.fromDay });
    const change =
      c.nearChange || c.lateSaturday
        ? day.toZonedDateTime({ timeZone }).getTimeZoneTransition('next')
        : null;
    const from = change ? change.toPlainDate().subtract({ days: 1 }) : day;
    const to = from.add({ days: c.days - 1 });
    const origin = from.toZonedDateTime({ timeZone }).epochMilliseconds;
    const service = {
      id: 'svc',
      durationMinutes: c.duration,
      slotIntervalMinutes: c.interval,
      bufferBeforeMinutes: c.bufferBefore,
      bufferAfterMinutes: c.bufferAfter,
      capacity: c.capacity,
      minimumNoticeMinutes: c.notice,
      maxAdvanceDays: c.maxAdvanceDays,
    };
    const late = c.lateSaturday
      ? [{ weekday: 6, start: c.lateSaturday[0], end: c.lateSaturday[1] }]
      : [];
    const weekly: WeekdayWindow[] = mergeWeekdayWindows([
      ...c.weekly.map(([weekday, w]) => ({ weekday, ...w })),
      ...late,
    ]);
    const overrides = new Map<string, MinuteWindow[]>(
      c.overrides.map(([offset, windows]) => [
        from.add({ days: offset }).toString(),
        mergeWindows(windows),
      ]),
    );
    const base: SlotQuery = {
      service,
      timeZone,
      weeklyWindows: weekly,
      overrides,
      blackouts: [],
      busy: [],
      now: origin + c.nowOffsetMinutes * MINUTE,
      from: from.toString(),
      to: to.toString(),
    };
    // Bookings and blackouts placed on real candidate starts hit the interesting cases
    // (shared sessions, exact edges); the others fall anywhere.
    const free = computeSlots(base).map((x) => x.startsAt);
    const near = (onSlot: boolean, pick: number, minute: number) =>
      onSlot && free.length > 0 ? (free[pick % free.length] ?? 0) : origin + minute * MINUTE;
    const busy: BusySpan[] = c.busy.map((b) => {
      const startsAt = near(b.onSlot, b.pick, b.startMinute);
      return b.own
        ? {
            start: startsAt - c.bufferBefore * MINUTE,
            end: startsAt + (c.duration + c.bufferAfter) * MINUTE,
            serviceId: 'svc',
            startsAt,
            seats: b.seats,
          }
        : {
            start: startsAt,
            end: startsAt + b.length * MINUTE,
            serviceId: 'other',
            startsAt,
            seats: 1,
          };
    });
    const blackouts = c.blackouts.map((b) => {
      const start = near(b.onSlot, b.pick, b.startMinute);
      return { start, end: start + b.length * MINUTE };
    });
    return { ...base, blackouts, busy };
  });

function instant(date: Temporal.PlainDate, minute: number, timeZone: string): number {
  return date
    .add({ days: Math.floor(minute / 1440) })
    .toPlainDateTime({ hour: Math.floor((minute % 1440) / 60), minute: minute % 60 })
    .toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

function localDates(q: SlotQuery): Temporal.PlainDate[] {
  const out = [];
  for (
    let d = Temporal.PlainDate.from(q.from);
    Temporal.PlainDate.compare(d, Temporal.PlainDate.from(q.to)) <= 0;
    d = d.add({ days: 1 })
  ) {
    out.push(d);
  }
  return out;
}

function windowsOf(q: SlotQuery, d: Temporal.PlainDate): readonly MinuteWindow[] {
  return q.overrides.get(d.toString()) ?? q.weeklyWindows.filter((w) => w.weekday === d.dayOfWeek);
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/** The rules written as plainly as possible: every real minute of every window is looked at. */
function reference(q: SlotQuery): Array<[number, number, number]> {
  const s = q.service;
  const today = Temporal.Instant.fromEpochMilliseconds(q.now)
    .toZonedDateTimeISO(q.timeZone)
    .toPlainDate();
  const found = new Map<number, [number, number, number]>();
  for (const d of localDates(q)) {
    if (Temporal.PlainDate.compare(d, today.add({ days: s.maxAdvanceDays })) > 0) continue;
    for (const w of windowsOf(q, d)) {
      const ws = instant(d, w.start, q.timeZone);
      const we = instant(d, w.end, q.timeZone);
      for (let m = ws; m < we; m += MINUTE) {
        if (((m - ws) / MINUTE) % s.slotIntervalMinutes !== 0) continue;
        const end = m + s.durationMinutes * MINUTE;
        if (end > we) continue;
        if (m < q.now + s.minimumNoticeMinutes * MINUTE) continue;
        if (q.blackouts.some((b) => overlaps(b, { start: m, end }))) continue;
        const occupied = {
          start: m - s.bufferBeforeMinutes * MINUTE,
          end: end + s.bufferAfterMinutes * MINUTE,
        };
        let seats = 0;
        let free = true;
        for (const b of q.busy) {
          if (!overlaps(b, occupied)) continue;
          if (s.capacity > 1 && b.serviceId === s.id && b.startsAt === m) seats += b.seats;
          else free = false;
        }
        if (free && s.capacity - seats > 0 && !found.has(m))
          found.set(m, [m, end, s.capacity - seats]);
      }
    }
  }
  return [...found.values()].sort((a, b) => a[0] - b[0]);
}

const triples = (slots: Slot[]) =>
  slots.map((x): [number, number, number] => [x.startsAt, x.endsAt, x.remainingCapacity]);

describe('slot engine properties', () => {
  it(`agrees with a minute-by-minute reference (${RUNS} generated cases)`, () => {
    fc.assert(
      fc.property(caseArb, (q) => {
        expect(triples(computeSlots(q))).toEqual(reference(q));
      }),
      { numRuns: RUNS },
    );
  });

  it('generates cases that exercise the rules (not mostly empty ones)', () => {
    const samples = fc.sample(caseArb, { numRuns: RUNS, seed: 42 });
    const results = samples.map((q) => ({ q, slots: computeSlots(q) }));
    const withSlots = results.filter((r) => r.slots.length > 0).length;
    const sharedSessions = results.filter((r) =>
      r.slots.some((x) => x.remainingCapacity < r.q.service.capacity),
    ).length;
    const dropped = results.filter(
      (r) => reference({ ...r.q, blackouts: [], busy: [] }).length > r.slots.length,
    ).length;
    const crossing = results.filter((r) =>
      r.slots.some((x) => localDateOf(x.startsAt, r.q.timeZone) !== x.date),
    ).length;
    console.log(
      `cases with slots: ${withSlots}/${RUNS}, with a part-full session: ${sharedSessions}, with slots taken by blackouts or bookings: ${dropped}, with a slot pushed past midnight: ${crossing}`,
    );
    expect(withSlots).toBeGreaterThan(RUNS / 2);
    expect(crossing).toBeGreaterThan(0);
    expect(sharedSessions).toBeGreaterThan(RUNS / 20);
    expect(dropped).toBeGreaterThan(RUNS / 4);
  });

  it(`offers every slot again on the dates the booking check reads, pushed past midnight or not (${RUNS} generated cases)`, () => {
    fc.assert(
      fc.property(caseArb, (q) => {
        for (const slot of computeSlots(q)) {
          const check = computeSlots({ ...q, ...windowDatesOf(slot.startsAt, q.timeZone) });
          const same = check.find((x) => x.startsAt === slot.startsAt);
          expect(same && triples([same])).toEqual(triples([slot]));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it(`explains each start as computeSlots decides it, from one pass (${RUNS} generated cases)`, () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.array(fc.integer({ min: -1440, max: 10 * 1440 }), { maxLength: 20 }),
        (q, minutes) => {
          const slots = computeSlots(q);
          const offered = new Map(slots.map((x) => [x.startsAt, x.remainingCapacity]));
          // Every offered start, its neighbours a minute either side, and starts anywhere.
          const origin = Temporal.PlainDate.from(q.from).toZonedDateTime({
            timeZone: q.timeZone,
          }).epochMilliseconds;
          const starts = [
            ...slots.flatMap((x) => [x.startsAt - MINUTE, x.startsAt, x.startsAt + MINUTE]),
            ...minutes.map((m) => origin + m * MINUTE),
          ];
          for (const start of starts) {
            const verdict = explainStart(q, start);
            const remaining = offered.get(start);
            if (remaining === undefined) expect(verdict.offered, String(start)).toBe(false);
            else expect(verdict).toEqual({ offered: true, remainingCapacity: remaining });
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('lists a slot that a clock change pushes past midnight under the date of its window (America/Nuuk)', () => {
    // Saturday 22:00-23:50 on the night clocks skip 23:00-24:00: 23:50 is 00:50 on Sunday.
    const q: SlotQuery = {
      service: {
        id: 'svc',
        durationMinutes: 30,
        slotIntervalMinutes: 30,
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        capacity: 1,
        minimumNoticeMinutes: 0,
        maxAdvanceDays: 3650,
      },
      timeZone: 'America/Nuuk',
      weeklyWindows: [{ weekday: 6, start: 22 * 60, end: 23 * 60 + 50 }],
      overrides: new Map(),
      blackouts: [],
      busy: [],
      now: Date.parse('2027-01-01T00:00:00Z'),
      from: '2027-03-27',
      to: '2027-03-27',
    };
    const slots = computeSlots(q);
    expect(slots.map((x) => new Date(x.startsAt).toISOString())).toEqual([
      '2027-03-28T00:00:00.000Z',
      '2027-03-28T00:30:00.000Z',
      '2027-03-28T01:00:00.000Z',
    ]);
    expect(slots.map((x) => x.date)).toEqual(['2027-03-27', '2027-03-27', '2027-03-27']);
    const last = slots[2]?.startsAt ?? 0;
    expect(localDateOf(last, 'America/Nuuk')).toBe('2027-03-28');
    // Asking for Sunday alone does not offer it; the booking check's dates do.
    expect(computeSlots({ ...q, from: '2027-03-28', to: '2027-03-28' })).toEqual([]);
    expect(windowDatesOf(last, 'America/Nuuk')).toEqual({ from: '2027-03-27', to: '2027-03-28' });
  });

  it(`keeps every rule on every slot (${RUNS} generated cases)`, () => {
    fc.assert(
      fc.property(caseArb, (q) => {
        const s = q.service;
        const slots = computeSlots(q);
        const today = Temporal.Instant.fromEpochMilliseconds(q.now)
          .toZonedDateTimeISO(q.timeZone)
          .toPlainDate();
        slots.forEach((slot, i) => {
          // sorted and unique
          if (i > 0) expect(slot.startsAt).toBeGreaterThan(slots[i - 1]?.startsAt ?? 0);
          expect(slot.endsAt - slot.startsAt).toBe(s.durationMinutes * MINUTE);
          // inside a window of its local date, on a step from that window's start
          const date = Temporal.PlainDate.from(slot.date);
          const inWindow = windowsOf(q, date).some((w) => {
            const ws = instant(date, w.start, q.timeZone);
            const we = instant(date, w.end, q.timeZone);
            return (
              ws <= slot.startsAt &&
              slot.endsAt <= we &&
              ((slot.startsAt - ws) / MINUTE) % s.slotIntervalMinutes === 0
            );
          });
          expect(inWindow).toBe(true);
          // no blackout, no other booking's occupied span
          for (const b of q.blackouts)
            expect(overlaps(b, { start: slot.startsAt, end: slot.endsAt })).toBe(false);
          const occupied = {
            start: slot.startsAt - s.bufferBeforeMinutes * MINUTE,
            end: slot.endsAt + s.bufferAfterMinutes * MINUTE,
          };
          for (const b of q.busy) {
            const sameSession =
              s.capacity > 1 && b.serviceId === s.id && b.startsAt === slot.startsAt;
            if (!sameSession) expect(overlaps(b, occupied)).toBe(false);
          }
          // notice and horizon
          expect(slot.startsAt).toBeGreaterThanOrEqual(q.now + s.minimumNoticeMinutes * MINUTE);
          expect(
            Temporal.PlainDate.compare(date, today.add({ days: s.maxAdvanceDays })),
          ).toBeLessThanOrEqual(0);
          expect(slot.remainingCapacity).toBeGreaterThan(0);
          expect(slot.remainingCapacity).toBeLessThanOrEqual(s.capacity);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it(`gives the same slots at every later instant up to unchangedUntil, and no longer (${RUNS} generated cases)`, () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 0, max: 1, noNaN: true }), (q, fraction) => {
        const slots = computeSlots(q);
        const until = unchangedUntil(q, slots);
        expect(until).toBeGreaterThanOrEqual(q.now);
        // Any instant in [now, until] and both ends: the same answer.
        const within = q.now + Math.floor((until - q.now) * fraction);
        for (const t of [within, until]) {
          expect(triples(computeSlots({ ...q, now: t }))).toEqual(triples(slots));
        }
        // One millisecond later the answer changes when the bound is the first slot's notice;
        // otherwise the bound is the local midnight, when "today" moves on.
        const after = computeSlots({ ...q, now: until + 1 });
        const notice = q.service.minimumNoticeMinutes * MINUTE;
        if (slots[0] && slots[0].startsAt - notice === until) {
          expect(after.some((s) => s.startsAt === slots[0]?.startsAt)).toBe(false);
        } else {
          const today = (t: number) =>
            Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(q.timeZone).toPlainDate();
          expect(today(until + 1).equals(today(q.now).add({ days: 1 }))).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
