import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context/request-context.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import type { Tenant } from '../tenancy/tenant.entity.js';
import { AuditEvent } from './audit-event.entity.js';

interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  changes?: Record<string, unknown>;
  /** A change made with a customer's manage token (the booking's id is the actor). */
  customerBookingId?: string;
  /** The tenant, when the request has none (the platform operator creating one). */
  tenant?: Tenant;
}

function actorOf(ctx: RequestContext, entry: AuditEntry) {
  if (entry.customerBookingId)
    return { actorKind: 'CUSTOMER', actorId: entry.customerBookingId, actorLabel: 'customer' };
  const actor = ctx.actor;
  if (!actor) return { actorKind: 'SYSTEM', actorId: null, actorLabel: 'system' };
  switch (actor.kind) {
    case 'USER':
      return { actorKind: 'USER', actorId: actor.userId, actorLabel: actor.email };
    case 'API_KEY':
      return { actorKind: 'API_KEY', actorId: actor.apiKeyId, actorLabel: actor.name };
    case 'PLATFORM':
      return { actorKind: 'PLATFORM', actorId: null, actorLabel: 'platform operator' };
  }
}

/** Adds an audit row to `em`'s unit of work, flushed with the change: the table's one way in. */
export function audit(ctx: RequestContext, em: EntityManager, entry: AuditEntry): void {
  const tenant = entry.tenant ?? requireTenant(ctx);
  em.create(AuditEvent, {
    tenant,
    ...actorOf(ctx, entry),
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    changes: entry.changes ?? null,
  });
}
