import type { RequestContext } from '../context/request-context.js';
import { Role } from './role.js';

// STAFF work inside their resources: a second isolation boundary, within the tenant's.

/** The resources a STAFF caller may see and change; null for every other caller (the tenant). */
export function staffScope(ctx: Pick<RequestContext, 'actor'>): readonly string[] | null {
  const actor = ctx.actor;
  return actor?.kind === 'USER' && actor.role === Role.STAFF ? actor.resourceIds : null;
}

/** Whether the caller may work on `resourceId` (a tenant-wide caller on every one). */
export function inScope(ctx: Pick<RequestContext, 'actor'>, resourceId: string): boolean {
  const scope = staffScope(ctx);
  return scope === null || scope.includes(resourceId);
}

/** A filter on a `resource` relation that keeps the caller's resources only (none for others). */
export function resourceCondition(ctx: Pick<RequestContext, 'actor'>) {
  const scope = staffScope(ctx);
  return scope === null ? {} : { resource: { $in: [...scope] } };
}
