import type pg from 'pg';

// SQLSTATEs of a database going away: shutdowns, start-up, too many connections (and class 08).
const OUTAGE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_CODES = new Set(
  'ECONNREFUSED ECONNRESET EPIPE ETIMEDOUT EHOSTUNREACH ENETUNREACH ENOTFOUND EAI_AGAIN'.split(' '),
);
/** What node-postgres and its pool say, without a code, when a connection ends or cannot be had. */
const OUTAGE_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

/** Whether `err` (or one it wraps) says the database is away, not that a statement was wrong. */
export function isDatabaseOutage(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const { code, sqlState, message } = e as Record<string, unknown>;
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

// node-postgres emits `error` for every connection closed under it: unheard, it ends the process.
export function watchPool(pool: pg.Pool, log: ConnectionLog, name: string): pg.Pool {
  pool.on('error', (err) => log.warn({ err, pool: name }, 'database connection lost'));
  pool.on('connect', (client) => watchClient(client, log, name));
  return pool;
}

/**
 * Ends the pool and waits until its connections are closed: pg-pool's `end` resolves when it
 * has let go of them, before they are closed, and one still open when the embedded server
 * stops is reported lost (at most `waitMs`).
 */
export async function endPool(pool: pg.Pool, waitMs = 5000): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      if (--open <= 0) resolve();
    });
    setTimeout(resolve, waitMs).unref();
  });
  await pool.end();
  await closed;
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

// One instance at a time, under a transaction's advisory lock (a pooler may lose a session's).
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
