import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context/request-context.js';
import { named, prepareInsert, write } from '../db/sql.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import type { Tenant } from '../tenancy/tenant.entity.js';

/** Who makes the change, in which tenant: a request's context, or an operator's command. */
type Who = Pick<RequestContext, 'actor' | 'tenant'>;

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

/** Who made a change, as the audit and the booking events record it. */
export function actorOf(ctx: Who, entry: Pick<AuditEntry, 'customerBookingId'>) {
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

const COLUMNS = named(
  'id created_at updated_at tenant_id actor_kind actor_id actor_label action entity_type entity_id',
  'changes',
);

const insert = prepareInsert('audit_event', COLUMNS);

/** Writes an audit row in the change's transaction `tx`: the table's one way in. */
export async function audit(ctx: Who, tx: EntityManager, entry: AuditEntry) {
  if (!tx.isInTransaction()) throw new Error("an audit row is written in its change's transaction");
  const { action, entityType, entityId } = entry;
  const now = new Date();
  await write(
    tx,
    insert({
      ...actorOf(ctx, entry),
      action,
      entityType,
      entityId,
      changes: entry.changes ?? null,
      id: randomUUID(),
      createdAt: now,
      updatedAt: now,
      tenantId: (entry.tenant ?? requireTenant(ctx)).id,
    }),
  );
}

/** Flushes the request's unit of work and writes its audit row, in one transaction. */
export const audited = (ctx: RequestContext, entry: AuditEntry) =>
  ctx.em.transactional((tx) => audit(ctx, tx, entry));
