import { describe, expect, it } from 'vitest';
import type { MinuteWindow, WeekdayWindow } from '../../src/scheduling/local-time.js';
import {
  type BusySpan,
  computeSlots,
  type EngineService,
  type SlotQuery,
} from '../../src/scheduling/slot-engine.js';

/**
 * Hand-computed expectations (UTC instants worked out from each zone's 2026 rules), so the
 * engine is checked against arithmetic done outside the time-zone library it uses.
 */
const base: EngineService = {
  id: 'svc',
  durationMinutes: 60,
  slotIntervalMinutes: 60,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  capacity: 1,
  minimumNoticeMinutes: 0,
  maxAdvanceDays: 3650,
};

function slotsOf(over: Omit<Partial<SlotQuery>, 'service'> & { service?: Partial<EngineService> }) {
  const { service, ...rest } = over;
  const q: SlotQuery = {
    timeZone: 'Europe/London',
    weeklyWindows: [],
    overrides: new Map(),
    blackouts: [],
    busy: [],
    now: Date.parse('2026-01-01T00:00:00Z'),
    from: '2026-03-29',
    to: '2026-03-29',
    ...rest,
    service: { ...base, ...service },
  };
  return computeSlots(q);
}
const starts = (slots: ReturnType<typeof slotsOf>) =>
  slots.map((s) => new Date(s.startsAt).toISOString().slice(0, 16));
const t = (iso: string) => Date.parse(`${iso}Z`);
const day = (weekday: number, start: number, end: number): WeekdayWindow => ({
  weekday,
  start,
  end,
});
const sunday0to4 = [day(7, 0, 240)];

describe('worked examples: Europe/London, Sunday 00:00-04:00, 60 minutes', () => {
  it('spring forward (2026-03-29): three slots', () => {
    expect(starts(slotsOf({ weeklyWindows: sunday0to4 }))).toEqual([
      '2026-03-29T00:00',
      '2026-03-29T01:00',
      '2026-03-29T02:00',
    ]);
  });
  it('fall back (2026-10-25): five slots', () => {
    expect(
      starts(slotsOf({ weeklyWindows: sunday0to4, from: '2026-10-25', to: '2026-10-25' })),
    ).toEqual([
      '2026-10-24T23:00',
      '2026-10-25T00:00',
      '2026-10-25T01:00',
      '2026-10-25T02:00',
      '2026-10-25T03:00',
    ]);
  });
});

describe('the same questions in other zones', () => {
  it('America/New_York: spring forward 2026-03-08 (EST -5 to EDT -4)', () => {
    const s = slotsOf({
      timeZone: 'America/New_York',
      weeklyWindows: sunday0to4,
      from: '2026-03-08',
      to: '2026-03-08',
    });
    expect(starts(s)).toEqual(['2026-03-08T05:00', '2026-03-08T06:00', '2026-03-08T07:00']);
  });
  it('America/New_York: fall back 2026-11-01', () => {
    const s = slotsOf({
      timeZone: 'America/New_York',
      weeklyWindows: sunday0to4,
      from: '2026-11-01',
      to: '2026-11-01',
    });
    expect(starts(s)).toEqual([
      '2026-11-01T04:00',
      '2026-11-01T05:00',
      '2026-11-01T06:00',
      '2026-11-01T07:00',
      '2026-11-01T08:00',
    ]);
  });
  it('America/New_York: a window starting in the gap moves forward by the gap', () => {
    const s = slotsOf({
      timeZone: 'America/New_York',
      weeklyWindows: [day(7, 150, 240)], // 02:30-04:00; 02:30 does not exist on 2026-03-08
      from: '2026-03-08',
      to: '2026-03-08',
      service: { durationMinutes: 30, slotIntervalMinutes: 30 },
    });
    expect(starts(s)).toEqual(['2026-03-08T07:30']);
  });
  it('America/New_York: a window starting in the overlap takes the earlier instant', () => {
    const s = slotsOf({
      timeZone: 'America/New_York',
      weeklyWindows: [day(7, 90, 180)], // 01:30 (EDT, the earlier) to 03:00 EST
      from: '2026-11-01',
      to: '2026-11-01',
    });
    expect(starts(s)).toEqual(['2026-11-01T05:30', '2026-11-01T06:30']);
  });
  it('Australia/Sydney (southern hemisphere): clocks go back on 2026-04-05', () => {
    const s = slotsOf({
      timeZone: 'Australia/Sydney',
      weeklyWindows: sunday0to4,
      from: '2026-04-05',
      to: '2026-04-05',
    });
    expect(starts(s)).toEqual([
      '2026-04-04T13:00',
      '2026-04-04T14:00',
      '2026-04-04T15:00',
      '2026-04-04T16:00',
      '2026-04-04T17:00',
    ]);
  });
  it('Australia/Sydney: clocks go forward on 2026-10-04', () => {
    const s = slotsOf({
      timeZone: 'Australia/Sydney',
      weeklyWindows: sunday0to4,
      from: '2026-10-04',
      to: '2026-10-04',
    });
    expect(starts(s)).toEqual(['2026-10-03T14:00', '2026-10-03T15:00', '2026-10-03T16:00']);
  });
  it('Asia/Kolkata (+05:30, no DST)', () => {
    const s = slotsOf({
      timeZone: 'Asia/Kolkata',
      weeklyWindows: [day(1, 540, 720)],
      from: '2026-03-30',
      to: '2026-03-30',
    });
    expect(starts(s)).toEqual(['2026-03-30T03:30', '2026-03-30T04:30', '2026-03-30T05:30']);
  });
  it('Australia/Lord_Howe (30-minute change): back on 2026-04-05 gives 4.5 hours', () => {
    const s = slotsOf({
      timeZone: 'Australia/Lord_Howe',
      weeklyWindows: sunday0to4,
      from: '2026-04-05',
      to: '2026-04-05',
      service: { durationMinutes: 30, slotIntervalMinutes: 30 },
    });
    expect(starts(s)).toEqual([
      '2026-04-04T13:00',
      '2026-04-04T13:30',
      '2026-04-04T14:00',
      '2026-04-04T14:30',
      '2026-04-04T15:00',
      '2026-04-04T15:30',
      '2026-04-04T16:00',
      '2026-04-04T16:30',
      '2026-04-04T17:00',
    ]);
  });
  it('Australia/Lord_Howe: forward on 2026-10-04 gives 3.5 hours', () => {
    const s = slotsOf({
      timeZone: 'Australia/Lord_Howe',
      weeklyWindows: sunday0to4,
      from: '2026-10-04',
      to: '2026-10-04',
    });
    expect(starts(s)).toEqual(['2026-10-03T13:30', '2026-10-03T14:30', '2026-10-03T15:30']);
  });
});

describe('windows, overrides and blackouts', () => {
  it('a window ending at 24:00 runs to the next local midnight', () => {
    const s = slotsOf({
      weeklyWindows: [day(1, 20 * 60, 1440)],
      from: '2026-03-30',
      to: '2026-03-30',
    });
    expect(starts(s)).toEqual([
      '2026-03-30T19:00',
      '2026-03-30T20:00',
      '2026-03-30T21:00',
      '2026-03-30T22:00',
    ]);
    expect(s.at(-1)?.endsAt).toBe(t('2026-03-30T23:00'));
  });
  it('24:00 on the night the clocks go forward (Saturday 2026-03-28, London)', () => {
    const s = slotsOf({
      weeklyWindows: [day(6, 22 * 60, 1440)],
      from: '2026-03-28',
      to: '2026-03-28',
    });
    expect(starts(s)).toEqual(['2026-03-28T22:00', '2026-03-28T23:00']);
  });
  it('an override with no windows closes a normally open day', () => {
    const overrides = new Map<string, MinuteWindow[]>([['2026-03-31', []]]);
    const s = slotsOf({
      weeklyWindows: [day(1, 540, 600), day(2, 540, 600)],
      overrides,
      from: '2026-03-30',
      to: '2026-03-31',
    });
    expect(starts(s)).toEqual(['2026-03-30T08:00']);
  });
  it('an override opens a normally closed day, replacing the weekly windows', () => {
    const overrides = new Map<string, MinuteWindow[]>([['2026-03-29', [{ start: 600, end: 720 }]]]);
    const s = slotsOf({
      weeklyWindows: [day(1, 540, 600)],
      overrides,
      from: '2026-03-29',
      to: '2026-03-30',
    });
    expect(starts(s)).toEqual(['2026-03-29T09:00', '2026-03-29T10:00', '2026-03-30T08:00']);
  });
  it('a blackout drops the slots it overlaps, and only those', () => {
    const s = slotsOf({
      timeZone: 'UTC',
      weeklyWindows: [day(1, 540, 720)],
      from: '2026-03-30',
      to: '2026-03-30',
      blackouts: [{ start: t('2026-03-30T09:30'), end: t('2026-03-30T10:00') }],
    });
    expect(starts(s)).toEqual(['2026-03-30T10:00', '2026-03-30T11:00']);
  });
});

describe('service settings', () => {
  const utcMonday = {
    timeZone: 'UTC',
    weeklyWindows: [day(1, 540, 660)],
    from: '2026-03-30',
    to: '2026-03-30',
  };

  it('steps by an interval shorter than the duration', () => {
    const s = slotsOf({ ...utcMonday, service: { durationMinutes: 60, slotIntervalMinutes: 15 } });
    expect(starts(s)).toEqual([
      '2026-03-30T09:00',
      '2026-03-30T09:15',
      '2026-03-30T09:30',
      '2026-03-30T09:45',
      '2026-03-30T10:00',
    ]);
  });
  it('steps by an interval longer than the duration', () => {
    const s = slotsOf({ ...utcMonday, service: { durationMinutes: 30, slotIntervalMinutes: 45 } });
    expect(starts(s)).toEqual(['2026-03-30T09:00', '2026-03-30T09:45', '2026-03-30T10:30']);
  });
  it("keeps the candidate's and the booking's buffers apart", () => {
    // A booking occupying 10:00-10:40 (10:00-10:30 plus 10 minutes after).
    const busy: BusySpan[] = [
      {
        start: t('2026-03-30T10:00'),
        end: t('2026-03-30T10:40'),
        serviceId: 'other',
        startsAt: t('2026-03-30T10:00'),
        seats: 1,
      },
    ];
    const s = slotsOf({
      ...utcMonday,
      weeklyWindows: [day(1, 540, 720)],
      busy,
      service: {
        durationMinutes: 30,
        slotIntervalMinutes: 30,
        bufferBeforeMinutes: 10,
        bufferAfterMinutes: 10,
      },
    });
    // 09:30 occupies 09:20-10:10 and 10:30 occupies 10:20-11:10: both overlap 10:00-10:40.
    expect(starts(s)).toEqual(['2026-03-30T09:00', '2026-03-30T11:00', '2026-03-30T11:30']);
  });
  it('honours minimum notice and the horizon against a fixed now', () => {
    const s = slotsOf({
      timeZone: 'UTC',
      weeklyWindows: [1, 2, 3, 4, 5, 6, 7].map((d) => day(d, 540, 720)),
      now: t('2026-03-30T08:30'),
      from: '2026-03-30',
      to: '2026-04-05',
      service: { minimumNoticeMinutes: 90, maxAdvanceDays: 1 },
    });
    // Nothing before 10:00 on the 30th; nothing after tomorrow (the 31st).
    expect(starts(s)).toEqual([
      '2026-03-30T10:00',
      '2026-03-30T11:00',
      '2026-03-31T09:00',
      '2026-03-31T10:00',
      '2026-03-31T11:00',
    ]);
  });
  it('uses the horizon in the local date of the zone', () => {
    // 23:30 UTC on the 30th is already the 31st in Kolkata: "today" there is the 31st.
    const s = slotsOf({
      timeZone: 'Asia/Kolkata',
      weeklyWindows: [1, 2, 3, 4, 5, 6, 7].map((d) => day(d, 540, 600)),
      now: t('2026-03-30T23:30'),
      from: '2026-03-30',
      to: '2026-04-05',
      service: { maxAdvanceDays: 1 },
    });
    expect(starts(s)).toEqual(['2026-03-31T03:30', '2026-04-01T03:30']);
  });
});

describe('group sessions', () => {
  const group = { durationMinutes: 60, slotIntervalMinutes: 60, capacity: 5 };
  const utcMonday = {
    timeZone: 'UTC',
    weeklyWindows: [day(1, 540, 720)],
    from: '2026-03-30',
    to: '2026-03-30',
    service: group,
  };
  const booking = (startIso: string, seats: number, serviceId = 'svc'): BusySpan => ({
    start: t(startIso),
    end: t(startIso) + 3_600_000,
    serviceId,
    startsAt: t(startIso),
    seats,
  });

  it('reports the seats left in each session', () => {
    const s = slotsOf({
      ...utcMonday,
      busy: [booking('2026-03-30T09:00', 2), booking('2026-03-30T09:00', 1)],
    });
    expect(
      s.map((x) => [new Date(x.startsAt).toISOString().slice(11, 16), x.remainingCapacity]),
    ).toEqual([
      ['09:00', 2],
      ['10:00', 5],
      ['11:00', 5],
    ]);
  });
  it('drops a full session', () => {
    const s = slotsOf({ ...utcMonday, busy: [booking('2026-03-30T10:00', 5)] });
    expect(starts(s)).toEqual(['2026-03-30T09:00', '2026-03-30T11:00']);
  });
  it("treats another service's booking, or another start, as a conflict", () => {
    const s = slotsOf({
      ...utcMonday,
      service: { ...group, slotIntervalMinutes: 30 },
      busy: [booking('2026-03-30T10:00', 1), booking('2026-03-30T11:00', 1, 'other-service')],
    });
    // 09:30 and 10:30 overlap the 10:00 session; 10:00 joins it; 11:00 is another service's.
    expect(
      s.map((x) => [new Date(x.startsAt).toISOString().slice(11, 16), x.remainingCapacity]),
    ).toEqual([
      ['09:00', 5],
      ['10:00', 4],
    ]);
  });
  it('gives a one-to-one service capacity 1 and no sharing', () => {
    const s = slotsOf({
      ...utcMonday,
      service: { ...group, capacity: 1 },
      busy: [booking('2026-03-30T10:00', 1)],
    });
    expect(
      s.map((x) => [new Date(x.startsAt).toISOString().slice(11, 16), x.remainingCapacity]),
    ).toEqual([
      ['09:00', 1],
      ['11:00', 1],
    ]);
  });
});
