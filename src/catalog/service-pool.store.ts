import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { db, rows, tenantOf, write } from '../db/sql.js';

// Every statement of the service_resource table: a service's pool and requirements.

/** A service's resources: its pool, then each requirement, each in priority order. */
export interface PoolSpec {
  pool: readonly string[];
  requirements: ReadonlyArray<{ label: string; resourceIds: readonly string[] }>;
}

/** Replaces the service's pool and requirements (the caller checked the resources). */
export async function setServicePool(
  tx: EntityManager,
  serviceId: string,
  spec: PoolSpec,
): Promise<void> {
  const tenantId = tenantOf(tx);
  await write(
    tx,
    db
      .deleteFrom('service_resource')
      .where('tenant_id', '=', tenantId)
      .where('service_id', '=', serviceId),
  );
  const now = new Date();
  const row = (
    resourceId: string,
    requirement: number,
    label: string | null,
    position: number,
  ) => ({
    id: randomUUID(),
    created_at: now,
    updated_at: now,
    tenant_id: tenantId,
    service_id: serviceId,
    resource_id: resourceId,
    requirement,
    label,
    position,
  });
  const values = [
    ...spec.pool.map((id, i) => row(id, 0, null, i)),
    ...spec.requirements.flatMap((r, n) =>
      r.resourceIds.map((id, i) => row(id, n + 1, r.label, i)),
    ),
  ];
  await write(tx, db.insertInto('service_resource').values(values));
}

/** The pools of the services, as rows in (service, requirement, position) order. */
export function poolRows(em: EntityManager, serviceIds: readonly string[]) {
  return rows(
    em,
    db
      .selectFrom('service_resource')
      .select([
        'service_id as serviceId',
        'resource_id as resourceId',
        'requirement',
        'label',
        'position',
      ])
      .where('tenant_id', '=', tenantOf(em))
      .where('service_id', 'in', [...serviceIds])
      .orderBy('service_id')
      .orderBy('requirement')
      .orderBy('position'),
  );
}

/** A service's pool and requirements as `PoolSpec`, from its rows. */
export function specOf(
  found: ReadonlyArray<{ resourceId: string; requirement: number; label: string | null }>,
): PoolSpec {
  const requirements: Array<{ label: string; resourceIds: string[] }> = [];
  const pool: string[] = [];
  for (const r of found) {
    if (r.requirement === 0) pool.push(r.resourceId);
    else {
      const at = r.requirement - 1;
      requirements[at] ??= { label: r.label ?? '', resourceIds: [] };
      requirements[at].resourceIds.push(r.resourceId);
    }
  }
  return { pool, requirements };
}
