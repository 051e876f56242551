import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Passwords: Argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane).
 * Tokens and API keys: 256 random bits, stored as SHA-256 (a slow hash adds nothing to a
 * secret with that much entropy, and a fast one lets the lookup use an index).
 */
const ARGON2_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/** A hash computed once so that a login for an unknown email costs as much as a wrong password. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Bytes drawn from the CSPRNG per call into it. */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomPoolUsed = 0;

/**
 * `n` bytes from the CSPRNG, served from a pool filled 4 KiB at a time, as Node does for
 * randomUUID: one call into OpenSSL costs as much as a small draw, and every booking makes
 * two (its manage token, and the IV that seals it for the email). No byte is served twice.
 */
export function secureRandomBytes(n: number): Buffer {
  if (n > RANDOM_POOL_BYTES) return randomBytes(n);
  if (randomPoolUsed + n > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomPoolUsed = 0;
  }
  const out = Buffer.from(randomPool.subarray(randomPoolUsed, randomPoolUsed + n));
  randomPool.fill(0, randomPoolUsed, randomPoolUsed + n);
  randomPoolUsed += n;
  return out;
}

/** An opaque random token with a readable type prefix, e.g. `bks_…` for sessions. */
export function newToken(prefix: string): string {
  return `${prefix}_${secureRandomBytes(32).toString('base64url')}`;
}

export function constantTimeEquals(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export const TOKEN_PREFIX = {
  session: 'bks',
  apiKey: 'bka',
} as const;
