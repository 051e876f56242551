import type { EntityManager } from '@mikro-orm/postgresql';
import { db, rows } from '../db/sql.js';
import { Session } from './session.entity.js';
import type { User } from './user.entity.js';

/** The session with this token hash and its user, in one statement and across tenants. */
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
