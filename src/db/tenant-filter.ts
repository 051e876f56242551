import { Filter } from '@mikro-orm/decorators/legacy';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/** Name of the filter every tenant-owned entity carries. */
export const TENANT_FILTER = 'tenant';

interface TenantFilterParams {
  tenantId: string;
}

/**
 * Class decorator for tenant-owned entities: a default filter that restricts every find,
 * count, nativeUpdate and nativeDelete to the tenant set on the EntityManager with
 * `em.setFilterParams(TENANT_FILTER, { tenantId })`. With no parameter set the query throws
 * ("No arguments provided for filter 'tenant'"): a missing tenant fails closed.
 *
 * Not covered by a filter, and so given the tenant condition explicitly wherever they are
 * used: QueryBuilder without `applyFilters()`, raw SQL, and inserts (the tenant is set on
 * the entity).
 */
export function TenantScoped(): ClassDecorator {
  return (target) => {
    Filter({
      name: TENANT_FILTER,
      cond: (args: Partial<TenantFilterParams>) => {
        if (!args.tenantId) throw new Error('tenant filter used without a tenantId');
        return { tenant: args.tenantId };
      },
      default: true,
    })(target as never);
  };
}

/** A fresh unit of work, filtered to `tenantId`'s rows. */
export function forkForTenant(orm: MikroORM, tenantId: string): EntityManager {
  const em = orm.em.fork({ clear: true });
  em.setFilterParams(TENANT_FILTER, { tenantId });
  return em;
}
