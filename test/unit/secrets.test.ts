import { describe, expect, it } from 'vitest';
import { newToken, secureRandomBytes } from '../../src/access/secrets.js';

describe('secureRandomBytes', () => {
  it('serves the asked number of bytes, never the same bytes twice, across refills of its pool', () => {
    const seen = new Set<string>();
    // 2000 draws of 12 and 32 bytes: about 43 KB, ten refills of the 4 KiB pool.
    for (let i = 0; i < 1000; i++) {
      for (const n of [12, 32]) {
        const bytes = secureRandomBytes(n);
        expect(bytes).toHaveLength(n);
        const hex = bytes.toString('hex');
        expect(seen.has(hex)).toBe(false);
        seen.add(hex);
      }
    }
    // Roughly uniform: every byte value turns up in 43 KB (the chance of a miss is ~1e-70).
    const counts = new Array<number>(256).fill(0);
    for (const hex of seen)
      for (const b of Buffer.from(hex, 'hex')) counts[b] = (counts[b] ?? 0) + 1;
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it('draws more than a pool directly, and a returned buffer does not change with later draws', () => {
    expect(secureRandomBytes(10_000)).toHaveLength(10_000);
    const first = secureRandomBytes(16);
    const copy = Buffer.from(first);
    for (let i = 0; i < 600; i++) secureRandomBytes(16);
    expect(first.equals(copy)).toBe(true);
  });

  it('makes tokens of 256 bits behind their prefix', () => {
    const token = newToken('bkm');
    expect(token).toMatch(/^bkm_[A-Za-z0-9_-]{43}$/);
    expect(newToken('bkm')).not.toBe(token);
  });
});
