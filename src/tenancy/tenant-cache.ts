import { type EntityDTO, type EntityManager, wrap } from '@mikro-orm/postgresql';
import { type ChangeFeed, FeedCache } from '../db/change-feed.js';
import { Tenant } from './tenant.entity.js';
import type { TenantSource } from './tenant-sources.js';

const keyOf = (source: TenantSource) =>
  `${source.kind === 'subdomain' ? 'subdomain' : 'slug'}:${source.value}`;

/**
 * The tenants that requests name (by slug or subdomain), kept in memory while the change
 * feed says their rows are unchanged (changes to other tables, bookings say, do not count),
 * so that resolving a request's tenant does not cost a statement. Only tenants found are
 * kept; an unknown name is looked up every time.
 */
export class TenantCache {
  readonly #kept: FeedCache<EntityDTO<Tenant>>;

  constructor(feed: ChangeFeed) {
    this.#kept = new FeedCache(feed, (data) => data.id, ['tenant']);
  }

  /** The tenant the source names, as a new entity managed by `em`; undefined when not kept. */
  get(em: EntityManager, source: TenantSource): Tenant | undefined {
    const data = this.#kept.get(keyOf(source));
    // A new entity per request (entities are mutable and belong to one unit of work), from a
    // copy of the one mutable value; the rest are strings, numbers, booleans and Dates that
    // nothing changes in place. structuredClone cost more than the merge.
    return data && em.merge(Tenant, { ...data, allowedOrigins: [...data.allowedOrigins] });
  }

  /** Keeps `tenant`, read after `stamp` (ChangeFeed.stamp), unless it changed since. */
  set(source: TenantSource, tenant: Tenant, stamp: number): void {
    this.#kept.set(keyOf(source), wrap(tenant).toPOJO(), stamp);
  }
}
