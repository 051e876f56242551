import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoInstant } from '../../src/shared/iso-instant.js';

describe('isoInstant', () => {
  it('writes exactly what Date#toISOString writes, for any instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('is right at the edges of its fast path and when the day changes back and forth', () => {
    const edges = [0, 1, 86_399_999, 86_400_000, 253_402_300_799_999, 253_402_300_800_000, -1];
    for (const ms of [...edges, ...edges.reverse()]) {
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
    }
    expect(isoInstant(Date.UTC(2026, 2, 29, 1, 30))).toBe('2026-03-29T01:30:00.000Z');
  });

  it('throws like toISOString for an invalid instant', () => {
    expect(() => isoInstant(Number.NaN)).toThrow(RangeError);
  });
});
