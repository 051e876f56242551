import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context/request-context.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import type { Tenant } from '../tenancy/tenant.entity.js';
import { AuditEvent } from './audit-event.entity.js';

export interface AuditEntry {
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

/**
 * Adds an audit row to `em`'s unit of work: it is written by the same flush, in the same
 * transaction, as the change it records.
 */
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

/**
 * Writes an audit row now, with one plain insert on `em` (inside its transaction), for
 * changes that are themselves written without the unit of work.
 */
export async function recordAudit(
  ctx: RequestContext,
  em: EntityManager,
  entry: AuditEntry,
): Promise<void> {
  const tenant = entry.tenant ?? requireTenant(ctx);
  const actor = actorOf(ctx, entry);
  const now = new Date();
  await em.getConnection().execute(
    `insert into "audit_event" (id, created_at, updated_at, tenant_id, actor_kind, actor_id,
       actor_label, action, entity_type, entity_id, changes)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)`,
    [
      randomUUID(),
      now,
      now,
      tenant.id,
      actor.actorKind,
      actor.actorId,
      actor.actorLabel,
      entry.action,
      entry.entityType,
      entry.entityId,
      entry.changes ? JSON.stringify(entry.changes) : null,
    ],
    'run',
    em.getTransactionContext(),
  );
}
