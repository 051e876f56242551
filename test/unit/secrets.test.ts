import { describe, expect, it } from 'vitest';
import { newToken } from '../../src/access/secrets.js';

describe('tokens', () => {
  it('makes tokens of 256 bits behind their prefix', () => {
    const token = newToken('bkm');
    expect(token).toMatch(/^bkm_[A-Za-z0-9_-]{43}$/);
    expect(newToken('bkm')).not.toBe(token);
  });
});
