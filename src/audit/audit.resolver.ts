import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Role } from '../access/role.js';
import type { RequestContext } from '../context/request-context.js';
import { isId, pageSize } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { AuditEvent } from './audit-event.entity.js';

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [AuditEvent], { description: 'ADMIN: who changed what and when, newest first' })
  auditEvents(
    @Ctx() ctx: RequestContext,
    @Arg('entityId', () => ID, { nullable: true }) entityId: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
  ): Promise<AuditEvent[]> {
    requireTenant(ctx);
    const limit = pageSize(first, 500);
    if (entityId != null && !isId(entityId)) return Promise.resolve([]);
    return ctx.em.find(AuditEvent, entityId ? { entityId } : {}, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit,
    });
  }
}
