import { type EntityDTO, type EntityManager, wrap } from '@mikro-orm/postgresql';
import { Tenant } from '../tenancy/tenant.entity.js';
import { SLUG_PATTERN, type TenantSource } from '../tenancy/tenant-sources.js';
import type { ChangeFeed } from './change-feed.js';
import { FeedCache } from './feed-cache.js';

const keyOf = (source: TenantSource) =>
  `${source.kind === 'subdomain' ? 'subdomain' : 'slug'}:${source.value}`;

/** The tenants requests name, kept while their rows are unchanged; unknown names are not kept. */
export class TenantCache {
  readonly #kept: FeedCache<EntityDTO<Tenant>>;

  constructor(feed: ChangeFeed) {
    this.#kept = new FeedCache(feed, (data) => data.id, ['tenant']);
  }

  /** The tenant the source names, managed by `em`, from memory or read (and kept); null when none. */
  async find(em: EntityManager, source: TenantSource, stamp: number): Promise<Tenant | null> {
    if (!SLUG_PATTERN.test(source.value)) return null;
    const data = this.#kept.get(keyOf(source));
    // A new entity per request, from a copy of its one mutable value (cheaper than structuredClone).
    if (data) return em.merge(Tenant, { ...data, allowedOrigins: [...data.allowedOrigins] });
    const tenant = await em.findOne(
      Tenant,
      source.kind === 'subdomain' ? { subdomain: source.value } : { slug: source.value },
    );
    if (tenant) this.#kept.set(keyOf(source), wrap(tenant).toPOJO(), stamp);
    return tenant;
  }
}
