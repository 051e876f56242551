import type pg from 'pg';

/**
 * SQLSTATE classes and codes that say the database cannot be reached or is going away:
 * connection exceptions (08xxx), shutdown and start-up (57P01 admin shutdown, 57P02 crash
 * shutdown, 57P03 cannot connect now), and too many connections (53300).
 */
const OUTAGE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors of a connection to the database. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** What node-postgres and its pool say, without a code, when a connection ends or cannot be had. */
const OUTAGE_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

/**
 * Whether `err` (or an error it wraps) says the database is unreachable, restarting or
 * overloaded, rather than that the statement was wrong: a request that fails with it may
 * succeed if retried in a moment (HTTP 503), and a background job logs it as an outage.
 */
export function isDatabaseOutage(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const { code, sqlState, message } = e as {
      code?: unknown;
      sqlState?: unknown;
      message?: unknown;
    };
    for (const state of [code, sqlState]) {
      if (typeof state !== 'string') continue;
      if (OUTAGE_STATES.has(state) || state.startsWith('08') || SOCKET_CODES.has(state))
        return true;
    }
    if (typeof message === 'string' && OUTAGE_MESSAGES.some((m) => message.includes(m)))
      return true;
    const next = e as { cause?: unknown; originalError?: unknown };
    e = next.originalError ?? next.cause;
  }
  return false;
}

export interface ConnectionLog {
  warn(obj: object, msg: string): void;
}

/**
 * Listens for the `error` events of a pool and of each of its connections. node-postgres
 * reports a connection that PostgreSQL, a proxy or a timeout closed as an `error` event, and
 * an `error` event nobody listens to ends the process. The query that was running (if any)
 * fails on its own; the pool has already dropped the broken connection, so the event is only
 * logged: the next query opens a new one.
 */
export function watchPool(pool: pg.Pool, log: ConnectionLog, name: string): pg.Pool {
  pool.on('error', (err) => log.warn({ err, pool: name }, 'database connection lost'));
  pool.on('connect', (client) => watchClient(client, log, name));
  return pool;
}

/** The same for a single client (`onError` decides what a lost connection means to its owner). */
export function watchClient(
  client: pg.Client | pg.PoolClient,
  log: ConnectionLog,
  name: string,
  onError?: (err: Error) => void,
): void {
  client.on(
    'error',
    onError ?? ((err) => log.warn({ err, connection: name }, 'database connection lost')),
  );
}

/**
 * Runs `work` while holding the advisory lock `key` of a transaction opened on `client`, so
 * that instances starting at once do their set-up (migrations, the rate limits' table) one at
 * a time. A transaction's lock, held in a transaction kept open meanwhile: behind a
 * transaction-mode pooler a session lock and its unlock could land on different server
 * connections and leave the lock held, while an open transaction keeps its connection.
 * `work` runs on other connections, so what it creates is committed as it goes.
 */
export async function holdingAdvisoryLock<T>(
  client: pg.ClientBase,
  key: number,
  work: () => Promise<T>,
): Promise<T> {
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock($1)', [key]);
    return await work();
  } finally {
    await client.query('commit').catch(() => {});
  }
}
