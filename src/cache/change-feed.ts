import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { TriggerDef } from '@mikro-orm/core';
import pg from 'pg';
import { endPool, watchClient, watchPool } from '../db/connections.js';

/** The channel the change triggers notify on (payload: `<table>:<tenant id>`). */
const CHANGE_CHANNEL = 'tenant_data_changed';

/** Notifies the table and the row's tenant after every row written (on commit); not TRUNCATE. */
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

interface ChangeFeedLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

interface ChangeFeedOptions {
  /** The LISTEN connection's string (it needs a session of its own). */
  url: string;
  /** DATABASE_URL: the round trips travel the way the app's changes do. */
  probeUrl: string;
  probeIntervalMs: number;
}

/**
 * When a tenant's data may have changed, in any process. Live only while its own probe comes
 * back: connected is not hearing behind a transaction-mode pooler.
 */
export class ChangeFeed {
  readonly #options: ChangeFeedOptions;
  readonly #log: ChangeFeedLog;
  readonly #instance = randomUUID();
  /** Versions are values of this counter; every tenant is at least at `#resetAt`. */
  #counter = 0;
  #resetAt = 0;
  /** A tenant's last change: to any table, to tables unnamed, and per `<table>:<tenant>`. */
  readonly #changedAt = new Map<string, number>();
  readonly #wholeAt = new Map<string, number>();
  readonly #tableAt = new Map<string, number>();
  #client: pg.Client | null = null;
  /** Tells listeners of a tenant (`''`: of all) that its data may have changed. */
  readonly #listeners = new EventEmitter().setMaxListeners(0);
  /** A connection of its own for the round trips, which keeps them out of the query log. */
  readonly #probes: pg.Pool;
  #live = false;
  #heardOnConnection = false;
  #probeSent = 0;
  #probeHeard = 0;
  /** Only probes sent since the current connection listens prove that it hears. */
  #firstOnConnection = Number.POSITIVE_INFINITY;
  #probeTimer: NodeJS.Timeout | null = null;
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
      // Stopped, the server's own shutdown may still reach a probe connection: not news.
      { warn: (obj, msg) => (this.#stopped ? undefined : log.warn(obj, msg)) },
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

  /** The tenant's version: of all its data, or of its rows in `tables` only. */
  version(tenantId: string, tables?: readonly string[]): number {
    if (!tables) return Math.max(this.#changedAt.get(tenantId) ?? 0, this.#resetAt);
    let version = Math.max(this.#wholeAt.get(tenantId) ?? 0, this.#resetAt);
    for (const table of tables) {
      version = Math.max(version, this.#tableAt.get(`${table}:${tenantId}`) ?? 0);
    }
    return version;
  }

  /** Calls `listener` when the tenant's data may have changed; the returned function stops it. */
  onChange(tenantId: string, listener: () => void): () => void {
    this.#listeners.on(tenantId, listener);
    this.#listeners.on('', listener);
    return () => {
      this.#listeners.off(tenantId, listener);
      this.#listeners.off('', listener);
    };
  }

  /** This process changed the tenant's data (in `tables` only, when named): stale at once. */
  touch(tenantId: string, tables?: readonly string[]): void {
    this.#listeners.emit(tenantId);
    const version = ++this.#counter;
    this.#changedAt.set(tenantId, version);
    if (!tables) this.#wholeAt.set(tenantId, version);
    else for (const table of tables) this.#tableAt.set(`${table}:${tenantId}`, version);
  }

  /** This process changed data of tenants it cannot name (platform operations): all stale. */
  touchAll(): void {
    this.#resetAll();
  }

  /** Connects and listens; resolves when the first round trip came back, or soon without. */
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
    await endPool(this.#probes).catch(() => {});
  }

  #resetAll(): void {
    this.#resetAt = ++this.#counter;
    this.#changedAt.clear();
    this.#wholeAt.clear();
    this.#tableAt.clear();
    this.#listeners.emit('');
  }

  #setLive(live: boolean): void {
    if (live === this.#live) return;
    // Whatever was cached before may have missed a change.
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
    // Unreachable database: the probe goes unheard, which says as much.
    this.#probes.query('select pg_notify($1, $2)', [PROBE_CHANNEL, payload]).catch(() => {});
  }

  #heard(payload: string): void {
    const colon = payload.lastIndexOf(':');
    if (payload.slice(0, colon) !== this.#instance) return;
    const sequence = Number(payload.slice(colon + 1));
    if (sequence <= this.#probeHeard) return;
    this.#probeHeard = sequence;
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
      // It heard before: the connection may have died without a word.
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
      this.#connect().catch((err: Error) => {
        if (this.#client) this.#lost(this.#client, err);
        else this.#scheduleRetry();
      });
    }, delay);
    this.#retryTimer.unref();
  }
}
