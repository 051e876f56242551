import { randomUUID } from 'node:crypto';
import type { TriggerDef } from '@mikro-orm/core';
import pg from 'pg';
import { watchClient, watchPool } from '../db/connections.js';

/** The channel the change triggers notify on (payload: `<table>:<tenant id>`). */
const CHANGE_CHANNEL = 'tenant_data_changed';

/**
 * Triggers for the entities whose rows the read caches are computed from (tenants,
 * resources, services, date overrides, blackouts, bookings, sessions, users): after every
 * row written they notify the table and the row's tenant, `tenantColumn` naming it. NOTIFY
 * is transactional, so a rolled-back change sends nothing, and PostgreSQL folds repeats
 * within one transaction. TRUNCATE is not covered (the ORM cannot compare statement triggers
 * with the database; the app never truncates): an operator who truncates these tables
 * restarts the servers.
 */
export function changeTriggers(tenantColumn: 'id' | 'tenant_id'): TriggerDef[] {
  return [
    {
      name: 'notify_change',
      timing: 'after',
      events: ['insert', 'update', 'delete'],
      forEach: 'row',
      body: `perform pg_notify('${CHANGE_CHANNEL}', tg_table_name || ':' || coalesce(new.${tenantColumn}, old.${tenantColumn})::text); return null;`,
    },
  ];
}

/** The channel of the feed's round trips (payload: `<instance id>:<sequence number>`). */
const PROBE_CHANNEL = 'change_feed_probe';

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 10_000;

export interface ChangeFeedLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface ChangeFeedOptions {
  /** Connection string of the LISTEN connection (a session of its own). */
  url: string;
  /**
   * Where the round trips are sent from: DATABASE_URL, the way the app's changes reach the
   * database (through a pooler, if there is one), not the LISTEN connection.
   */
  probeUrl: string;
  /** Milliseconds between round trips; one not heard by the next makes the feed not live. */
  probeIntervalMs: number;
}

/**
 * Tells the read caches when a tenant's data may have changed, in this process and in every
 * other process on the same database.
 *
 * One connection LISTENs to the channel the database's triggers notify on after every
 * committed change to the tables `changeTriggers` is declared on. Each tenant has a
 * version: a number that grows whenever a notification names the tenant, when this
 * process itself changes the tenant's data (`touch`, for read-your-writes before the
 * notification arrives), and for every tenant at once when the feed stops or starts being
 * live. The version is also kept per table, so a cache of tenants or sessions stays valid
 * while bookings are made. A cache entry records the version it was computed at and is used
 * only while that is still the version.
 *
 * Being connected is not proof of hearing: behind a transaction-mode pooler (PgBouncer) the
 * LISTEN lands on a server connection that is then lent to others, and notifications never
 * arrive, while the client connection looks fine. So the feed proves itself: every
 * `probeIntervalMs` it sends a notification of its own through the app's pool, as changes
 * are sent, and it is `live` only from hearing one until one goes unheard for an interval.
 * While it is not live nothing may be served from the caches: a change committed meanwhile
 * may not have been heard of.
 */
export class ChangeFeed {
  readonly #options: ChangeFeedOptions;
  readonly #log: ChangeFeedLog;
  /** Tells this process's probes from other instances' on the shared channel. */
  readonly #instance = randomUUID();
  /** Bumped on every change; tenants' versions are values of it. */
  #counter = 0;
  /** Version of every tenant that has not changed on its own since the last reset. */
  #resetAt = 0;
  /** Per tenant: its last change to any table. */
  readonly #changedAt = new Map<string, number>();
  /** Per tenant: its last change to tables not named (this process's own unnamed writes). */
  readonly #wholeAt = new Map<string, number>();
  /** Per table and tenant (`<table>:<tenant id>`): its last change to that table. */
  readonly #tableAt = new Map<string, number>();
  #client: pg.Client | null = null;
  /** One connection of its own for the round trips (they stay out of the app's query log). */
  readonly #probes: pg.Pool;
  #live = false;
  /** Whether the feed was ever live on the current connection (a deaf one is then suspect). */
  #heardOnConnection = false;
  /** The last probe sent, the last come back, and the first sent on the current connection. */
  #probeSent = 0;
  #probeHeard = 0;
  #firstOnConnection = Number.POSITIVE_INFINITY;
  #probeTimer: NodeJS.Timeout | null = null;
  /** Resolves the first time a probe comes back (start waits for it, briefly). */
  #firstHeard: (() => void) | null = null;
  #warnedDeaf = false;
  #stopped = false;
  #retryMs = FIRST_RETRY_MS;
  #retryTimer: NodeJS.Timeout | null = null;

  constructor(options: ChangeFeedOptions, log: ChangeFeedLog) {
    this.#options = options;
    this.#log = log;
    this.#probes = watchPool(
      new pg.Pool({
        connectionString: options.probeUrl,
        max: 1,
        application_name: 'booking-api change feed probe',
      }),
      log,
      'change feed probe',
    );
  }

  /** True while changes anywhere are being heard of; caches must not be used otherwise. */
  get live(): boolean {
    return this.#live;
  }

  /** The counter now: a tenant whose version is still at most this has not changed since. */
  stamp(): number {
    return this.#counter;
  }

  /**
   * The tenant's current version (see the class comment): of all its data, or with `tables`,
   * of its rows in those tables only.
   */
  version(tenantId: string, tables?: readonly string[]): number {
    if (!tables) return Math.max(this.#changedAt.get(tenantId) ?? 0, this.#resetAt);
    let version = Math.max(this.#wholeAt.get(tenantId) ?? 0, this.#resetAt);
    for (const table of tables) {
      version = Math.max(version, this.#tableAt.get(`${table}:${tenantId}`) ?? 0);
    }
    return version;
  }

  /**
   * This process changed the tenant's data (in `tables` only, when named): stale right away,
   * not when the notification arrives.
   */
  touch(tenantId: string, tables?: readonly string[]): void {
    const version = ++this.#counter;
    this.#changedAt.set(tenantId, version);
    if (!tables) this.#wholeAt.set(tenantId, version);
    else for (const table of tables) this.#tableAt.set(`${table}:${tenantId}`, version);
  }

  /** This process changed data of tenants it cannot name (platform operations): all stale. */
  touchAll(): void {
    this.#resetAll();
  }

  /**
   * Connects, listens and starts the round trips; resolves once the first one came back, or
   * after two intervals without (the app serves meanwhile, with its caches off).
   */
  async start(): Promise<void> {
    const heard = new Promise<void>((resolve) => {
      this.#firstHeard = resolve;
    });
    await this.#connect();
    this.#probeTimer = setInterval(() => this.#probe(), this.#options.probeIntervalMs);
    this.#probeTimer.unref();
    const wait = setTimeout(
      () => this.#firstHeard?.(),
      Math.min(2 * this.#options.probeIntervalMs, 3000),
    );
    await heard;
    clearTimeout(wait);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#live = false;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#probeTimer) clearInterval(this.#probeTimer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
    await this.#probes.end().catch(() => {});
  }

  #resetAll(): void {
    this.#resetAt = ++this.#counter;
    this.#changedAt.clear();
    this.#wholeAt.clear();
    this.#tableAt.clear();
  }

  #setLive(live: boolean): void {
    if (live === this.#live) return;
    // Anything cached before now may have missed a change, either way.
    this.#resetAll();
    this.#live = live;
  }

  /** Checks that the last probe came back, and sends the next. */
  #probe(): void {
    if (this.#stopped) return;
    if (this.#probeSent > this.#probeHeard) this.#unheard();
    this.#send();
  }

  #send(): void {
    const sequence = ++this.#probeSent;
    const payload = `${this.#instance}:${sequence}`;
    this.#probes.query('select pg_notify($1, $2)', [PROBE_CHANNEL, payload]).catch(() => {
      // The database cannot be reached: the probe goes unheard, which says as much.
    });
  }

  #heard(payload: string): void {
    const colon = payload.lastIndexOf(':');
    if (payload.slice(0, colon) !== this.#instance) return;
    const sequence = Number(payload.slice(colon + 1));
    if (sequence <= this.#probeHeard) return;
    this.#probeHeard = sequence;
    // Only a probe sent since this connection listens proves it hears.
    if (!this.#client || sequence < this.#firstOnConnection) return;
    if (!this.#live && this.#heardOnConnection) {
      this.#log.info({}, 'change feed hears its notifications again; read caches are back on');
    }
    this.#heardOnConnection = true;
    this.#warnedDeaf = false;
    this.#setLive(true);
    this.#firstHeard?.();
    this.#firstHeard = null;
  }

  /** A probe went unheard for an interval. */
  #unheard(): void {
    const wasLive = this.#live;
    this.#setLive(false);
    if (wasLive) {
      // It heard before on this connection: the connection may have died without a word.
      this.#log.warn(
        {},
        'change feed missed its own notification; read caches are off while it reconnects',
      );
      if (this.#client) this.#lost(this.#client, null);
    } else if (
      !this.#heardOnConnection &&
      !this.#warnedDeaf &&
      this.#client &&
      this.#probeSent >= this.#firstOnConnection
    ) {
      this.#warnedDeaf = true;
      this.#log.warn(
        {},
        'change feed does not hear its own notifications (is the database reached through a transaction-mode pooler? set CHANGE_FEED_DATABASE_URL to a session-mode connection, docs/DEPLOYMENT.md); read caches stay off',
      );
    }
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.url,
      keepAlive: true,
      application_name: 'booking-api change feed',
    });
    watchClient(client, this.#log, 'change feed', (err) => this.#lost(client, err));
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      if (message.channel === PROBE_CHANNEL) return this.#heard(payload);
      if (message.channel !== CHANGE_CHANNEL) return;
      const colon = payload.indexOf(':');
      // `<table>:<tenant id>`; anything else (an operator's own NOTIFY) makes everything stale.
      if (colon < 0) this.#resetAll();
      else this.touch(payload.slice(colon + 1), [payload.slice(0, colon)]);
    });
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    this.#client = client;
    this.#heardOnConnection = false;
    this.#firstOnConnection = Number.POSITIVE_INFINITY;
    await client.connect();
    await client.query(`listen ${CHANGE_CHANNEL}; listen ${PROBE_CHANNEL}`);
    this.#retryMs = FIRST_RETRY_MS;
    // Live once this comes back (or a later one).
    this.#firstOnConnection = this.#probeSent + 1;
    this.#send();
  }

  /** The connection failed or is suspect: not live, and a new one in a moment. */
  #lost(client: pg.Client, err: Error | null): void {
    if (client !== this.#client) return;
    this.#client = null;
    this.#setLive(false);
    client.end().catch(() => {});
    if (this.#stopped) return;
    if (err) {
      this.#log.warn(
        { err },
        'change feed lost its connection; read caches are off until it is back',
      );
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, LAST_RETRY_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#stopped) return;
      // Live again once a probe comes back on the new connection.
      this.#connect().catch((err: Error) => {
        if (this.#client) this.#lost(this.#client, err);
        else this.#scheduleRetry();
      });
    }, delay);
    this.#retryTimer.unref();
  }
}
