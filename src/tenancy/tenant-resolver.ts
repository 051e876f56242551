import type { EntityManager } from '@mikro-orm/postgresql';
import { requestError } from '../shared/errors.js';
import { Tenant } from './tenant.entity.js';
import type { TenantCache } from './tenant-cache.js';
import { SLUG_PATTERN, type TenantSource } from './tenant-sources.js';

const DESCRIBE: Record<TenantSource['kind'], string> = {
  subdomain: 'subdomain',
  header: 'X-Tenant header',
  path: 'path /t/<slug>',
};

/**
 * Turns the request's tenant sources into one tenant, or null when the request names none.
 * An unknown tenant is an error (TENANT_NOT_FOUND), never a fallback; two sources naming
 * different tenants are TENANT_CONFLICT. Inactivity is checked by the caller, after a
 * credential may have supplied the tenant. With `cache`, tenants found are kept in memory
 * while the change feed says they are unchanged (TenantCache); `stamp` predates this read.
 */
export async function resolveTenant(
  em: EntityManager,
  sources: TenantSource[],
  cache?: { tenants: TenantCache; stamp: number },
): Promise<Tenant | null> {
  let resolved: Tenant | null = null;
  for (const source of sources) {
    const tenant = SLUG_PATTERN.test(source.value)
      ? (cache?.tenants.get(em, source) ?? (await lookUp(em, source, cache)))
      : null;
    if (!tenant) {
      throw requestError(
        'TENANT_NOT_FOUND',
        `No tenant "${source.value}" (from the ${DESCRIBE[source.kind]})`,
      );
    }
    if (resolved && resolved.id !== tenant.id) {
      throw requestError(
        'TENANT_CONFLICT',
        `The request names two tenants: "${resolved.slug}" and "${tenant.slug}" (from the ${DESCRIBE[source.kind]})`,
      );
    }
    resolved = tenant;
  }
  return resolved;
}

async function lookUp(
  em: EntityManager,
  source: TenantSource,
  cache?: { tenants: TenantCache; stamp: number },
): Promise<Tenant | null> {
  const tenant = await em.findOne(
    Tenant,
    source.kind === 'subdomain' ? { subdomain: source.value } : { slug: source.value },
  );
  if (tenant && cache) cache.tenants.set(source, tenant, cache.stamp);
  return tenant;
}
