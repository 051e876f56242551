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
});
