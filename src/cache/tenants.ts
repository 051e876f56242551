import { type EntityDTO, type EntityManager, wrap } from '@mikro-orm/postgresql';
import { Tenant } from '../tenancy/tenant.entity.js';
import { SLUG_PATTERN, type TenantSource } from '../tenancy/tenant-sources.js';
import type { ChangeFeed } from './change-feed.js';
import { FeedCache } from './feed-cache.js';

const keyOf = (source: TenantSource) =>
  `${source.kind === 'subdomain' ? 'subdomain' : 'slug'}:${source.value}`;

/**
 * The tenants that requests name (by slug or subdomain), kept in memory while the change
 * feed says their rows are unchanged (changes to other tables, bookings say, do not count),
 * so that resolving a request's tenant, or checking a browser origin against the tenant's
 * allowed origins, does not cost a statement. Only tenants found are kept; a name that
 * cannot be a slug is not looked up at all, and an unknown one is looked up every time.
 */
export class TenantCache {
  readonly #kept: FeedCache<EntityDTO<Tenant>>;

  constructor(feed: ChangeFeed) {
    this.#kept = new FeedCache(feed, (data) => data.id, ['tenant']);
  }

  /**
   * The tenant the source names, as a new entity managed by `em`, from memory or else read
   * on `em` (and kept, unless it changed after `stamp`, ChangeFeed.stamp); null when none.
   */
  async find(em: EntityManager, source: TenantSource, stamp: number): Promise<Tenant | null> {
    if (!SLUG_PATTERN.test(source.value)) return null;
    const data = this.#kept.get(keyOf(source));
    // A new entity per request (entities are mutable and belong to one unit of work), from a
    // copy of the one mutable value; the rest are strings, numbers, booleans and Dates that
    // nothing changes in place. structuredClone cost more than the merge.
    if (data) return em.merge(Tenant, { ...data, allowedOrigins: [...data.allowedOrigins] });
    const tenant = await em.findOne(
      Tenant,
      source.kind === 'subdomain' ? { subdomain: source.value } : { slug: source.value },
    );
    if (tenant) this.#kept.set(keyOf(source), wrap(tenant).toPOJO(), stamp);
    return tenant;
  }
}
