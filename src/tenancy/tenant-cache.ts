import { type EntityDTO, type EntityManager, wrap } from '@mikro-orm/postgresql';
import type { ChangeFeed } from '../db/change-feed.js';
import { Tenant } from './tenant.entity.js';
import type { TenantSource } from './tenant-sources.js';

interface Entry {
  id: string;
  version: number;
  data: EntityDTO<Tenant>;
}

/** Past this many names the cache starts again (a platform has far fewer tenants per process). */
const MAX_ENTRIES = 10_000;

/**
 * The tenants that requests name (by slug or subdomain), kept in memory while the change
 * feed says they are unchanged, so that resolving a request's tenant does not cost a
 * statement. Only tenants found are kept; an unknown name is looked up every time.
 */
export class TenantCache {
  readonly #feed: ChangeFeed;
  readonly #entries = new Map<string, Entry>();

  constructor(feed: ChangeFeed) {
    this.#feed = feed;
  }

  /** The tenant the source names, as a new entity managed by `em`; undefined when not kept. */
  get(em: EntityManager, source: TenantSource): Tenant | undefined {
    const entry = this.#entries.get(keyOf(source));
    if (!entry || !this.#feed.live || entry.version !== this.#feed.version(entry.id)) {
      return undefined;
    }
    // A copy per request: entities are mutable and belong to one unit of work.
    return em.merge(Tenant, structuredClone(entry.data));
  }

  /** Keeps `tenant`, read after `stamp` (ChangeFeed.stamp), unless it changed since. */
  set(source: TenantSource, tenant: Tenant, stamp: number): void {
    const version = this.#feed.version(tenant.id);
    if (!this.#feed.live || version > stamp) return;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(keyOf(source), { id: tenant.id, version, data: wrap(tenant).toPOJO() });
  }
}

const keyOf = (source: TenantSource) =>
  `${source.kind === 'subdomain' ? 'subdomain' : 'slug'}:${source.value}`;
