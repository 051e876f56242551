import pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import { type ConnectionLog, endPool, holdingAdvisoryLock, watchPool } from '../db/connections.js';
import { ApiError } from '../shared/errors.js';

/** The limits (reasons in docs/SECURITY.md); counters in PostgreSQL, shared by every instance. */
export const LIMITS = {
  /** Every request from one client address. */
  general: { points: 600, duration: 60 },
  /** createBooking and the manage-token mutations, per client address... */
  publicWriteIp: { points: 20, duration: 600 },
  /** ...and per tenant, so that many addresses cannot flood one business. */
  publicWriteTenant: { points: 300, duration: 600 },
  /** Sign-in attempts from one client address. */
  loginIp: { points: 20, duration: 900 },
  /** Failed sign-ins to one account; the account is then locked for `blockDuration`. */
  loginAccount: { points: 10, duration: 900, blockDuration: 900 },
  /** Password-reset emails to one address (known or not), so nobody's inbox can be flooded. */
  resetAccount: { points: 5, duration: 3600 },
  /** Manage-link emails asked for one booking reference (matching or not). */
  manageLinkBooking: { points: 5, duration: 3600 },
} as const;

type LimitName = keyof typeof LIMITS;

/** Key of the advisory lock that serialises the rate limits' set-up across instances. */
const SETUP_LOCK_KEY = 727_274_002;

/** A GraphQL error RATE_LIMITED with the seconds to wait (also as HTTP 429 and Retry-After). */
export function rateLimited(retryAfterSeconds: number, what: string): ApiError {
  const error = new ApiError(
    'RATE_LIMITED',
    `Too many ${what}; try again in ${retryAfterSeconds} s`,
    {
      http: true,
      headers: { 'retry-after': String(retryAfterSeconds) },
    },
  );
  error.extensions.retryAfter = retryAfterSeconds;
  return error;
}

/** The pool as the limiter's store, unnamed statements only (a pooler cannot carry named). */
function unnamedStatements(pool: pg.Pool) {
  return {
    query: (q: { text: string; values?: unknown[] }) =>
      pool.query({ text: q.text, values: q.values }),
  };
}

/** A limiter whose counters are rows of ratelimit.hits (created by the first one, if need be). */
function limiter(
  pool: pg.Pool,
  name: LimitName,
  options: (typeof LIMITS)[LimitName],
): Promise<RateLimiterPostgres> {
  return new Promise<RateLimiterPostgres>((resolve, reject) => {
    const created: RateLimiterPostgres = new RateLimiterPostgres(
      {
        storeClient: unnamedStatements(pool),
        storeType: 'pool',
        schemaName: 'ratelimit',
        tableName: 'hits',
        keyPrefix: name,
        clearExpiredByTimeout: true,
        ...options,
      },
      (err?: unknown) => (err ? reject(err) : resolve(created)),
    );
  });
}

const secondsLeft = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

export class RateLimits {
  readonly #pool: pg.Pool | null;
  readonly #limiters = new Map<LimitName, RateLimiterPostgres>();
  /** Counted every time a request is refused (for metrics). */
  onLimited: (limit: LimitName) => void = () => {};

  constructor(databaseUrl: string, config: Config, log: ConnectionLog) {
    this.#pool = config.rateLimits
      ? watchPool(
          new pg.Pool({
            connectionString: databaseUrl,
            max: 4,
            application_name: 'booking-api rate limits',
          }),
          log,
          'rate limits',
        )
      : null;
  }

  /** Creates the counters' table if needed (one instance at a time: they would race) and the limiters. */
  async start(): Promise<void> {
    const pool = this.#pool;
    if (!pool) return;
    const lock = await pool.connect();
    try {
      await holdingAdvisoryLock(lock, SETUP_LOCK_KEY, async () => {
        await pool.query('create schema if not exists ratelimit');
        for (const [name, options] of Object.entries(LIMITS) as Array<
          [LimitName, (typeof LIMITS)[LimitName]]
        >) {
          this.#limiters.set(name, await limiter(pool, name, options));
        }
      });
    } finally {
      lock.release();
    }
  }

  /** Takes one point of `limit` for `key`; throws RATE_LIMITED when none is left. */
  async consume(limit: LimitName, key: string, what: string): Promise<void> {
    const limiter = this.#limiters.get(limit);
    if (!limiter) return;
    try {
      await limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        this.onLimited(limit);
        throw rateLimited(secondsLeft(err), what);
      }
      throw err;
    }
  }

  /** Throws RATE_LIMITED while `key` is locked out (without taking a point). */
  async ensureNotBlocked(limit: LimitName, key: string, what: string): Promise<void> {
    const limiter = this.#limiters.get(limit);
    if (!limiter) return;
    const res = await limiter.get(key);
    if (res && res.remainingPoints <= 0 && res.msBeforeNext > 0) {
      this.onLimited(limit);
      throw rateLimited(secondsLeft(res), what);
    }
  }

  /** Records a failure against `key` without throwing (a lock-out starts when they run out). */
  async penalise(limit: LimitName, key: string): Promise<void> {
    const limiter = this.#limiters.get(limit);
    if (!limiter) return;
    await limiter.consume(key).catch((err: unknown) => {
      if (!(err instanceof RateLimiterRes)) throw err;
    });
  }

  async reset(limit: LimitName, key: string): Promise<void> {
    await this.#limiters.get(limit)?.delete(key);
  }

  async stop(): Promise<void> {
    if (this.#pool) await endPool(this.#pool);
  }
}
