import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { db, rows, tenantOf, write } from '../db/sql.js';
import { Session } from './session.entity.js';
import type { User } from './user.entity.js';

/** The session with this token hash, its user and the user's resources, in one statement and across tenants. */
export async function findSession(em: EntityManager, tokenHash: string) {
  const [found] = await rows(
    em,
    db
      .selectFrom('session as s')
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .select([
        's.id',
        's.tenant_id as tenant',
        's.user_id as user',
        's.expires_at as expiresAt',
        's.revoked_at as revokedAt',
        'u.role',
        'u.email',
        sql<
          string[]
        >`array(select ur.resource_id::text from user_resource ur where ur.user_id = u.id order by 1)`.as(
          'resourceIds',
        ),
      ])
      .where('s.token_hash', '=', tokenHash),
    ['expiresAt', 'revokedAt'],
  );
  return found ?? null;
}

/** A login session with its user, as `authenticate` reads it: relations by id. */
export type SessionRow = NonNullable<Awaited<ReturnType<typeof findSession>>>;

/**
 * Ends the user's live sessions, all but `keep` when given; every instance forgets them
 * through the change feed (the session cache).
 */
export function endSessions(em: EntityManager, user: User, keep?: string): Promise<number> {
  const which = { user, revokedAt: null, ...(keep ? { id: { $ne: keep } } : {}) };
  return em.nativeUpdate(Session, which, { revokedAt: new Date() });
}

/** Replaces the resources a user works on (the caller checked they are the tenant's). */
export async function setUserResources(
  tx: EntityManager,
  userId: string,
  resourceIds: readonly string[],
): Promise<void> {
  const tenantId = tenantOf(tx);
  await write(
    tx,
    db.deleteFrom('user_resource').where('tenant_id', '=', tenantId).where('user_id', '=', userId),
  );
  if (!resourceIds.length) return;
  const now = new Date();
  await write(
    tx,
    db.insertInto('user_resource').values(
      resourceIds.map((resourceId) => ({
        id: randomUUID(),
        created_at: now,
        updated_at: now,
        tenant_id: tenantId,
        user_id: userId,
        resource_id: resourceId,
      })),
    ),
  );
}
