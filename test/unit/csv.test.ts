import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { localFormatter, neutralise } from '../../src/bookings/booking-export.js';

describe('CSV cells', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+44 20 7946 0000', "'+44 20 7946 0000"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('neutralise(%j) = %j', (cell, expected) => {
    expect(neutralise(cell)).toBe(expected);
  });

  it('formats local dates and times in the zone, across a clock change', () => {
    const ny = localFormatter('America/New_York');
    expect(ny(new Date('2026-03-08T06:59:00Z'))).toEqual({ date: '2026-03-08', time: '01:59' });
    expect(ny(new Date('2026-03-08T07:00:00Z'))).toEqual({ date: '2026-03-08', time: '03:00' });
    expect(localFormatter('Asia/Kolkata')(new Date('2026-03-01T18:30:00Z'))).toEqual({
      date: '2026-03-02',
      time: '00:00',
    });
  });

  it('agrees with Temporal on every 7th hour of two years, in zones with and without DST', () => {
    for (const timeZone of [
      'UTC',
      'Europe/London',
      'America/New_York',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
    ]) {
      const local = localFormatter(timeZone);
      for (
        let t = Date.parse('2025-01-01T00:00:00Z');
        t < Date.parse('2027-01-01T00:00:00Z');
        t += 7 * 3_600_000 + 60_000
      ) {
        const zoned = Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(timeZone);
        expect(local(new Date(t))).toEqual({
          date: zoned.toPlainDate().toString(),
          time: zoned.toPlainTime().toString().slice(0, 5),
        });
      }
    }
  });
});
