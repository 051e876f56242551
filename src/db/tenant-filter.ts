import { Filter } from '@mikro-orm/decorators/legacy';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/** Name of the filter every tenant-owned entity carries. */
export const TENANT_FILTER = 'tenant';

interface TenantFilterParams {
  tenantId: string;
}

/**
 * Every find, count and native update or delete of the entity is restricted to the tenant set
 * with `em.setFilterParams`, and fails without one; inserts and raw SQL are not.
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
