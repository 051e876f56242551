import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  isoWeekday,
  isRealDate,
  localDateOf,
  localInstant,
  startOfLocalDay,
} from '../../src/scheduling/zone-time.js';

/**
 * The remembered conversions against Temporal asked directly, in zones with the awkward
 * cases: DST both ways in both hemispheres, a 30-minute change, a fractional offset, the
 * extremes of the offset range, and a zone that skipped a whole day (Apia, 2011-12-30).
 */
const ZONES = [
  'UTC',
  'Europe/London',
  'America/New_York',
  'America/Sao_Paulo',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Pacific/Apia',
];

/** Dates around each zone's transitions in the years the zones above changed. */
function datesAround(): string[] {
  const out: string[] = [];
  for (const start of ['2011-12-25', '2018-10-30', '2026-03-05', '2026-03-26', '2026-10-01']) {
    for (let i = 0; i < 40; i++) out.push(addDays(start, i));
  }
  return out;
}

describe('calendar arithmetic', () => {
  it('adds days across months, leap days, years and early years', () => {
    expect(addDays('2026-11-24', 7)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('0050-12-31', 1)).toBe('0051-01-01');
    expect(addDays('2026-01-31', 400)).toBe(
      Temporal.PlainDate.from('2026-01-31').add({ days: 400 }).toString(),
    );
  });

  it('gives the ISO weekday of every date of three years as Temporal does', () => {
    let date = '2025-01-01';
    for (let i = 0; i < 3 * 366; i++) {
      expect(isoWeekday(date)).toBe(Temporal.PlainDate.from(date).dayOfWeek);
      date = addDays(date, 1);
    }
    expect(isoWeekday('2026-11-24')).toBe(2);
  });

  it('knows a real date as Temporal does, for years 1 to 9999 only', () => {
    const real = (d: string) => {
      try {
        return Temporal.PlainDate.from(d, { overflow: 'reject' }).toString() === d;
      } catch {
        return false;
      }
    };
    const candidates = ['2028-02-29', '2100-02-29', '2000-02-29', '2026-02-30', '2026-13-01'];
    candidates.push('2026-00-10', '2026-04-31', '2026-04-00', '0001-01-01', '9999-12-31');
    for (const d of candidates) expect(isRealDate(d), d).toBe(real(d));
    for (const d of ['0000-01-01', '2026-1-01', '2026-01-01T00:00', ' 2026-01-01', '+02026-01-01'])
      expect(isRealDate(d), d).toBe(false);
  });
});

describe('instants of local times', () => {
  it('matches Temporal for the start of each day and for window edges, 24:00 included', () => {
    for (const timeZone of ZONES) {
      for (const date of datesAround()) {
        const plain = Temporal.PlainDate.from(date);
        expect(startOfLocalDay(date, timeZone)).toBe(
          plain.toZonedDateTime({ timeZone }).epochMilliseconds,
        );
        for (const minute of [0, 30, 60, 90, 120, 150, 180, 570, 1410, 1440]) {
          const day = minute === 1440 ? plain.add({ days: 1 }) : plain;
          const m = minute % 1440;
          const expected = day
            .toPlainDateTime({ hour: Math.floor(m / 60), minute: m % 60 })
            .toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
          expect(localInstant(date, minute, timeZone)).toBe(expected);
        }
      }
    }
  });

  it('gives the local date of every quarter hour as Temporal does', () => {
    for (const timeZone of ZONES) {
      for (const date of ['2011-12-28', '2026-03-07', '2026-03-28', '2026-04-04', '2026-10-03']) {
        const from = Date.parse(`${date}T00:00:00Z`);
        for (let t = from; t < from + 4 * 86_400_000; t += 15 * 60_000) {
          for (const instant of [t, t - 1]) {
            expect(localDateOf(instant, timeZone)).toBe(
              Temporal.Instant.fromEpochMilliseconds(instant)
                .toZonedDateTimeISO(timeZone)
                .toPlainDate()
                .toString(),
            );
          }
        }
      }
    }
  });

  it('has no 2011-12-30 in Apia, which skipped it', () => {
    const start = startOfLocalDay('2011-12-31', 'Pacific/Apia');
    expect(localDateOf(start - 1, 'Pacific/Apia')).toBe('2011-12-29');
    expect(localDateOf(start, 'Pacific/Apia')).toBe('2011-12-31');
  });
});
