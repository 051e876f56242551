import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { audit } from '../audit/audit.js';
import { TENANT_FILTER } from '../db/tenant-filter.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { endSessions } from './access.store.js';
import { hashPassword } from './secrets.js';
import { User } from './user.entity.js';

// What the platform operator does from a shell when nobody of a tenant can sign in.

/** A refusal the operator reads: no stack, just what is wrong. */
export class OperatorError extends Error {}

/**
 * Gives the user a new random password, returned to be shown once, and ends every session of
 * theirs (on every instance: the session cache follows the change feed). Audited.
 */
export async function resetPasswordByOperator(
  orm: MikroORM,
  slug: string,
  email: string,
): Promise<string> {
  const em = orm.em.fork();
  const tenant = await em.findOne(Tenant, { slug: slug.toLowerCase() });
  if (!tenant) throw new OperatorError(`There is no tenant "${slug}"`);
  em.setFilterParams(TENANT_FILTER, { tenantId: tenant.id });
  const user = await em.findOne(User, { email: email.trim().toLowerCase() });
  if (!user) throw new OperatorError(`Tenant "${tenant.slug}" has no user ${email}`);
  const password = randomBytes(18).toString('base64url');
  user.passwordHash = await hashPassword(password);
  await em.transactional(async (tx) => {
    await endSessions(tx, user);
    const actor = { kind: 'PLATFORM', role: null, tenantId: null } as const;
    await audit({ actor, tenant }, tx, {
      action: 'user.password_reset',
      entityType: 'user',
      entityId: user.id,
      changes: { by: 'operator command' },
    });
  });
  return password;
}
