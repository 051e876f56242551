import type { MinuteWindow, WeekdayWindow } from './local-time.js';
import { addDays, isoWeekday, localDateOf, localInstant, startOfLocalDay } from './zone-time.js';

// Which starts of a service are free over local dates (docs/SLOTS.md); pure, `now` an input.

const MINUTE_MS = 60_000;

export interface EngineService {
  id: string;
  durationMinutes: number;
  slotIntervalMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  capacity: number;
  /** Already resolved: the service's value, else the tenant's default. */
  minimumNoticeMinutes: number;
  maxAdvanceDays: number;
}

/** An instant range [start, end) in epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
}

/** An active booking on the resource, as the engine needs it. */
export interface BusySpan extends Span {
  /** The occupied span is `start`/`end`; these identify its session. */
  serviceId: string;
  startsAt: number;
  seats: number;
}

export interface SlotQuery {
  service: EngineService;
  timeZone: string;
  weeklyWindows: readonly WeekdayWindow[];
  /** Local date (YYYY-MM-DD) -> that date's windows; an empty list closes the day. */
  overrides: ReadonlyMap<string, readonly MinuteWindow[]>;
  /** Blackouts of the resource and the tenant's tenant-wide ones. */
  blackouts: readonly Span[];
  busy: readonly BusySpan[];
  /** Epoch milliseconds. */
  now: number;
  /** Local dates, inclusive. */
  from: string;
  to: string;
}

export interface Slot {
  startsAt: number;
  endsAt: number;
  remainingCapacity: number;
  /** The local date whose window produced the slot. */
  date: string;
}

interface Candidate {
  start: number;
  date: string;
}

/** A resource's opening hours: its weekly pattern and its dates' overrides. */
export type Hours = Pick<SlotQuery, 'timeZone' | 'weeklyWindows' | 'overrides'>;

function windowsOf(query: Hours, date: string): readonly MinuteWindow[] {
  const override = query.overrides.get(date);
  if (override) return override;
  const weekday = isoWeekday(date);
  return query.weeklyWindows.filter((w) => w.weekday === weekday);
}

/** Candidate starts in instant order, each with its local date. */
function candidates(query: SlotQuery, lastDate: string): Candidate[] {
  const { durationMinutes, slotIntervalMinutes } = query.service;
  const duration = durationMinutes * MINUTE_MS;
  const step = slotIntervalMinutes * MINUTE_MS;
  const out: Candidate[] = [];
  let ordered = true;
  for (let date = query.from; date <= lastDate; date = addDays(date, 1)) {
    for (const window of windowsOf(query, date)) {
      const start = localInstant(date, window.start, query.timeZone);
      const end = localInstant(date, window.end, query.timeZone);
      for (let t = start; t + duration <= end; t += step) {
        const previous = out[out.length - 1];
        if (previous && previous.start >= t) ordered = false;
        out.push({ start: t, date });
      }
    }
  }
  if (ordered) return out;
  // Windows that a clock change folds onto each other can produce starts out of order.
  out.sort((a, b) => a.start - b.start);
  return out.filter((c, i) => i === 0 || c.start !== out[i - 1]?.start);
}

/** Sorted spans against forward-moving probes: those ending before a probe are skipped. */
function sweeper<T extends Span>(spans: readonly T[]) {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let first = 0;
  return function* overlapping(probe: Span): Generator<T> {
    while (first < sorted.length && (sorted[first] as T).end <= probe.start) first++;
    for (let i = first; i < sorted.length; i++) {
      const span = sorted[i] as T;
      if (span.start >= probe.end) return;
      if (span.end > probe.start) yield span;
    }
  };
}

/** Why a start is not offered, in the order the rules are applied; or its seats left. */
type Verdict =
  | { offered: true; remainingCapacity: number }
  | {
      offered: false;
      reason: 'NOT_A_START' | 'BLACKOUT' | 'TOO_SOON_OR_FAR' | 'CONFLICT' | 'FULL';
    };

/** The rules applied to one candidate start, in order (docs/SLOTS.md, rules 3 to 5). */
function judge(query: SlotQuery) {
  const { service, now } = query;
  const earliest = now + service.minimumNoticeMinutes * MINUTE_MS;
  const duration = service.durationMinutes * MINUTE_MS;
  const before = service.bufferBeforeMinutes * MINUTE_MS;
  const after = service.bufferAfterMinutes * MINUTE_MS;
  const isGroup = service.capacity > 1;
  const blackouts = sweeper(query.blackouts);
  const busy = sweeper(query.busy);
  // `inHorizon`: a window of a date up to the horizon produced the start.
  return (start: number, inHorizon: boolean): Verdict => {
    const end = start + duration;
    if (!blackouts({ start, end }).next().done) return { offered: false, reason: 'BLACKOUT' };
    if (start < earliest || !inHorizon) return { offered: false, reason: 'TOO_SOON_OR_FAR' };
    let seatsTaken = 0;
    for (const booking of busy({ start: start - before, end: end + after })) {
      if (!isGroup || booking.serviceId !== service.id || booking.startsAt !== start) {
        return { offered: false, reason: 'CONFLICT' };
      }
      seatsTaken += booking.seats;
    }
    const remainingCapacity = service.capacity - seatsTaken;
    if (remainingCapacity <= 0) return { offered: false, reason: 'FULL' };
    return { offered: true, remainingCapacity };
  };
}

/** The last local date whose windows are offered: today in the zone plus the horizon. */
function horizonOf(query: SlotQuery): string {
  return addDays(localDateOf(query.now, query.timeZone), query.service.maxAdvanceDays);
}

export function computeSlots(query: SlotQuery): Slot[] {
  const horizon = horizonOf(query);
  const lastDate = query.to > horizon ? horizon : query.to;
  const duration = query.service.durationMinutes * MINUTE_MS;
  const verdictOf = judge(query);
  const slots: Slot[] = [];
  for (const candidate of candidates(query, lastDate)) {
    const verdict = verdictOf(candidate.start, true);
    if (!verdict.offered) continue;
    slots.push({
      startsAt: candidate.start,
      endsAt: candidate.start + duration,
      remainingCapacity: verdict.remainingCapacity,
      date: candidate.date,
    });
  }
  return slots;
}

/** Why `computeSlots(query)` offers `start` or not, in one pass: a rule broken, or seats left. */
export function explainStart(query: SlotQuery, start: number): Verdict {
  const horizon = horizonOf(query);
  const produced = candidates(query, query.to).filter((c) => c.start === start);
  if (produced.length === 0) return { offered: false, reason: 'NOT_A_START' };
  return judge(query)(
    start,
    produced.some((c) => c.date <= horizon),
  );
}

/** The verdict for a start booked past the public rules: any minute, notice, horizon or hours. */
export function explainOverride(query: SlotQuery, start: number): Verdict {
  return judge({ ...query, now: Number.NEGATIVE_INFINITY })(start, true);
}

/** Whether one window holds `span` whole (a window of its start's date, or of the day before). */
export function withinHours(hours: Hours, span: Span): boolean {
  const date = localDateOf(span.start, hours.timeZone);
  return [addDays(date, -1), date].some((d) =>
    windowsOf(hours, d).some(
      (w) =>
        localInstant(d, w.start, hours.timeZone) <= span.start &&
        span.end <= localInstant(d, w.end, hours.timeZone),
    ),
  );
}

/** Until when a later `now` gets the same `slots`: the first notice, or the next midnight. */
export function unchangedUntil(query: SlotQuery, slots: readonly Slot[]): number {
  const { timeZone, now, service } = query;
  const nextMidnight = startOfLocalDay(addDays(localDateOf(now, timeZone), 1), timeZone);
  let until = nextMidnight - 1;
  const notice = service.minimumNoticeMinutes * MINUTE_MS;
  for (const slot of slots) until = Math.min(until, slot.startsAt - notice);
  return until;
}

/** A slot of a pooled service: the members of its pool that could take it, in policy order. */
export interface PoolSlot extends Slot {
  resourceIds: string[];
}

/** A resource's query: its own hours, blackouts and occupancies, the service's rules. */
export interface MemberQuery {
  id: string;
  query: SlotQuery;
}

/**
 * The starts of a service with a pool and requirements (domain.md, "Pools"): a start is
 * offered when a member of the pool offers it by the one-resource rules, and so does a
 * member of every requirement. `order` puts a start's members in the policy's order.
 */
export function computePoolSlots(
  pool: readonly MemberQuery[],
  requirements: ReadonlyArray<readonly MemberQuery[]>,
  order: (memberIds: string[], start: number, date: string) => string[],
): PoolSlot[] {
  const met = requirements.map(
    (members) => new Set(members.flatMap((m) => computeSlots(m.query).map((s) => s.startsAt))),
  );
  const byStart = new Map<number, { slot: Slot; ids: string[] }>();
  for (const member of pool) {
    for (const slot of computeSlots(member.query)) {
      if (!met.every((starts) => starts.has(slot.startsAt))) continue;
      const seen = byStart.get(slot.startsAt);
      if (!seen) byStart.set(slot.startsAt, { slot, ids: [member.id] });
      else {
        seen.ids.push(member.id);
        // The most seats one booking could take.
        if (slot.remainingCapacity > seen.slot.remainingCapacity) seen.slot = slot;
      }
    }
  }
  return [...byStart.values()]
    .sort((a, b) => a.slot.startsAt - b.slot.startsAt)
    .map(({ slot, ids }) => ({ ...slot, resourceIds: order(ids, slot.startsAt, slot.date) }));
}
