import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Session } from './session.entity.js';
import type { User } from './user.entity.js';

/** A login session with its user, as `authenticate` reads it: relations by id. */
export type SessionRow = Pick<Session, 'id' | 'expiresAt' | 'revokedAt'> &
  Pick<User, 'role' | 'email'> & { tenant: string; user: string };

/** The session with this token hash and its user, in one statement and across tenants. */
export async function findSession(
  em: EntityManager,
  tokenHash: string,
): Promise<SessionRow | null> {
  return em
    .createQueryBuilder(Session, 's')
    .select([
      'id',
      'tenant',
      'user',
      'expiresAt',
      'revokedAt',
      raw('u.role as "role"'),
      raw('u.email as "email"'),
    ])
    .join('s.user', 'u')
    .where({ tokenHash })
    .execute<SessionRow | null>('get', true);
}
