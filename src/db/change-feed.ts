import type { TriggerDef } from '@mikro-orm/core';
import { LRUCache } from 'lru-cache';
import pg from 'pg';

/** The channel the change triggers notify on (payload: `<table>:<tenant id>`). */
export const CHANGE_CHANNEL = 'tenant_data_changed';

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

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 10_000;

export interface ChangeFeedLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * Tells the read caches when a tenant's data may have changed, in this process and in every
 * other process on the same database.
 *
 * One connection LISTENs to the channel the database's triggers notify on after every
 * committed change to the tables `changeTriggers` is declared on. Each tenant has a
 * version: a number that grows whenever a notification names the tenant, when this
 * process itself changes the tenant's data (`touch`, for read-your-writes before the
 * notification arrives), and for every tenant at once when the connection is lost or
 * regained. The version is also kept per table, so a cache of tenants or sessions stays
 * valid while bookings are made. A cache entry records the version it was computed at and
 * is used only while that is still the version.
 *
 * While the connection is down (`live` false) nothing may be cached: a change committed
 * meanwhile would not be heard of.
 */
export class ChangeFeed {
  readonly #url: string;
  readonly #log: ChangeFeedLog;
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
  #live = false;
  #stopped = false;
  #retryMs = FIRST_RETRY_MS;
  #retryTimer: NodeJS.Timeout | null = null;

  constructor(url: string, log: ChangeFeedLog) {
    this.#url = url;
    this.#log = log;
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

  /** Connects and starts listening; resolves once changes are being heard of. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#live = false;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  #resetAll(): void {
    this.#resetAt = ++this.#counter;
    this.#changedAt.clear();
    this.#wholeAt.clear();
    this.#tableAt.clear();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#url,
      keepAlive: true,
      application_name: 'booking-api change feed',
    });
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      const payload = message.payload ?? '';
      const colon = payload.indexOf(':');
      if (!payload) this.#resetAll();
      // A payload without a table (a trigger from before tables were named): the whole tenant.
      else if (colon < 0) this.touch(payload);
      else this.touch(payload.slice(colon + 1), [payload.slice(0, colon)]);
    });
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    this.#client = client;
    await client.connect();
    await client.query(`listen ${CHANGE_CHANNEL}`);
    // Anything cached before now may have missed a change.
    this.#resetAll();
    this.#live = true;
    this.#retryMs = FIRST_RETRY_MS;
  }

  #lost(client: pg.Client, err: Error): void {
    if (client !== this.#client) return;
    this.#client = null;
    this.#live = false;
    this.#resetAll();
    client.end().catch(() => {});
    if (this.#stopped) return;
    this.#log.warn(
      { err },
      'change feed lost its connection; read caches are off until it is back',
    );
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, LAST_RETRY_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#stopped) return;
      this.#connect().then(
        () => this.#log.info({}, 'change feed reconnected; read caches are back on'),
        (err: Error) => {
          if (this.#client) this.#lost(this.#client, err);
          else this.#scheduleRetry();
        },
      );
    }, delay);
    this.#retryTimer.unref();
  }
}

/**
 * Values kept in memory while the change feed says their tenant's rows in `tables` are
 * unchanged: read after a request's `stamp`, kept only if those rows have not changed since,
 * and answered only while they still have not. Only values found are kept (a miss is looked
 * up every time); at most `maxEntries`, the least recently used going first.
 */
export class FeedCache<T> {
  readonly #feed: ChangeFeed;
  readonly #tenantOf: (value: T) => string;
  readonly #tables: readonly string[];
  readonly #entries: LRUCache<string, { version: number; value: T }>;

  /** `tables`: the tables the values are read from; changes elsewhere leave them valid. */
  constructor(
    feed: ChangeFeed,
    tenantOf: (value: T) => string,
    tables: readonly string[],
    maxEntries = 10_000,
  ) {
    this.#feed = feed;
    this.#tenantOf = tenantOf;
    this.#tables = tables;
    this.#entries = new LRUCache({ max: maxEntries });
  }

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry || !this.#feed.live) return undefined;
    if (entry.version !== this.#version(entry.value)) return undefined;
    return entry.value;
  }

  #version(value: T): number {
    return this.#feed.version(this.#tenantOf(value), this.#tables);
  }

  /** Keeps `value`, read after `stamp` (ChangeFeed.stamp), unless its tables changed since. */
  set(key: string, value: T, stamp: number): void {
    const version = this.#version(value);
    if (!this.#feed.live || version > stamp) return;
    this.#entries.set(key, { version, value });
  }
}
