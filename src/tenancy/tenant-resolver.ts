import type { EntityManager } from '@mikro-orm/postgresql';
import type { TenantCache } from '../cache/tenants.js';
import { requestError } from '../shared/errors.js';
import type { Tenant } from './tenant.entity.js';
import type { TenantSource } from './tenant-sources.js';

const DESCRIBE: Record<TenantSource['kind'], string> = {
  subdomain: 'subdomain',
  header: 'X-Tenant header',
  path: 'path /t/<slug>',
};

/** The one tenant the request names (null for none); unknown or conflicting names are errors. */
export async function resolveTenant(
  em: EntityManager,
  sources: TenantSource[],
  tenants: TenantCache,
  stamp: number,
): Promise<Tenant | null> {
  let resolved: Tenant | null = null;
  for (const source of sources) {
    const tenant = await tenants.find(em, source, stamp);
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
