import { LockMode } from '@mikro-orm/core';
import { audit, audited } from '../audit/audit.js';
import { Resource } from '../catalog/resource.entity.js';
import type { RequestContext } from '../context/request-context.js';
import {
  fail,
  notFound,
  ok,
  type Result,
  type UserError,
  UserErrorCode,
  userError,
} from '../shared/errors.js';
import { invalid, isId, validateInput } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { endSessions, setUserResources } from './access.store.js';
import {
  ActorType,
  type ChangePasswordArgs,
  type CreateApiKeyArgs,
  SessionToken,
  type UpdateUserInput,
} from './access.types.js';
import { ApiKey } from './api-key.entity.js';
import { Role } from './role.js';
import {
  dummyPasswordHash,
  hashPassword,
  newToken,
  sha256Hex,
  TOKEN_PREFIX,
  verifyPassword,
} from './secrets.js';
import { Session } from './session.entity.js';
import { User } from './user.entity.js';
import { UserResource } from './user-resource.entity.js';

/** The same answer for an unknown email and a wrong password. */
const LOGIN_FAILED = 'Email or password is incorrect';
const API_KEY_PREFIX_LENGTH = 12;

export async function login(
  ctx: RequestContext,
  email: string,
  password: string,
): Promise<Result<SessionToken>> {
  const tenant = requireTenant(ctx);
  // A locked account stays locked whatever the password; every attempt from an address counts.
  const account = `${tenant.id}:${email.toLowerCase()}`;
  await ctx.limits.ensureNotBlocked('loginAccount', account, 'failed sign-ins for this account');
  if (ctx.ip) await ctx.limits.consume('loginIp', ctx.ip, 'sign-in attempts from this address');
  const user = await ctx.em.findOne(
    User,
    { email: email.toLowerCase() },
    { populate: ['passwordHash'] },
  );
  // Verify against a dummy hash for an unknown email so both failures take as long.
  const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  // An inactive user is answered like a wrong password: the account's state is not told.
  if (!user || !valid || !user.active) {
    await ctx.limits.penalise('loginAccount', account);
    return fail(userError(UserErrorCode.INVALID_INPUT, LOGIN_FAILED));
  }
  await ctx.limits.reset('loginAccount', account);
  return ok(await startSession(ctx, user));
}

/** A new login session of `user` (signed in now), written with the unit of work's changes. */
export async function startSession(ctx: RequestContext, user: User): Promise<SessionToken> {
  const tenant = requireTenant(ctx);
  const token = newToken(TOKEN_PREFIX.session);
  const expiresAt = new Date(Date.now() + ctx.config.sessionTtlMinutes * 60_000);
  ctx.em.create(Session, { tenant, user, tokenHash: sha256Hex(token), expiresAt });
  user.lastSignInAt = new Date(ctx.now());
  await ctx.em.flush();
  return Object.assign(new SessionToken(), { token, expiresAt });
}

/** The resources a user is to work on: each one of the tenant's, duplicates dropped. */
export async function checkResources(
  ctx: RequestContext,
  ids: readonly string[],
  field: string[],
): Promise<{ errors: UserError[]; ids: string[] }> {
  const unique = [...new Set(ids)];
  const found = await ctx.em.find(
    Resource,
    { id: { $in: unique.filter(isId) } },
    { fields: ['id'] },
  );
  const known = new Set(found.map((r) => r.id));
  const errors = ids.flatMap((id, i) =>
    known.has(id) ? [] : [notFound(`resource ${id}`, ...field, String(i))],
  );
  return { errors, ids: unique };
}

/** A STAFF user works on at least one resource. */
export const staffWithoutResources = (field: string[]) =>
  invalid(field, `${field.at(-1)} must name at least one resource for a STAFF user`);

/** Revokes the calling login session. False when the credential is not a session. */
export async function logout(ctx: RequestContext): Promise<boolean> {
  if (ctx.actor?.kind !== 'USER') return false;
  const revoked = await ctx.em.nativeUpdate(
    Session,
    { id: ctx.actor.sessionId, revokedAt: null },
    { revokedAt: new Date() },
  );
  return revoked > 0;
}

/** ADMIN: the tenant's users, oldest first. */
export function listUsers(ctx: RequestContext): Promise<User[]> {
  requireTenant(ctx);
  return ctx.em.find(User, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** A signed-in user's new password: the current one required; every other session ends. */
export async function changePassword(
  ctx: RequestContext,
  args: ChangePasswordArgs,
): Promise<Result<User>> {
  const tenant = requireTenant(ctx);
  const actor = ctx.actor;
  if (actor?.kind !== 'USER') {
    return fail(userError(UserErrorCode.NOT_ALLOWED, 'Only a signed-in user has a password'));
  }
  const errors = await validateInput(args, []);
  if (errors.length) return fail(...errors);
  // The current password is a sign-in: the same lockout counts its failures.
  const account = `${tenant.id}:${actor.email}`;
  await ctx.limits.ensureNotBlocked('loginAccount', account, 'failed sign-ins for this account');
  const user = await ctx.em.findOneOrFail(
    User,
    { id: actor.userId },
    { populate: ['passwordHash'] },
  );
  if (!(await verifyPassword(user.passwordHash, args.currentPassword))) {
    await ctx.limits.penalise('loginAccount', account);
    return fail(invalid(['currentPassword'], 'currentPassword is not the password of this user'));
  }
  await ctx.limits.reset('loginAccount', account);
  user.passwordHash = await hashPassword(args.newPassword);
  await ctx.em.transactional(async (tx) => {
    await endSessions(tx, user, actor.sessionId);
    await audit(ctx, tx, {
      action: 'user.password_changed',
      entityType: 'user',
      entityId: user.id,
    });
  });
  return ok(user);
}

/** ADMIN: a user's name, role, resources or whether active; the last active ADMIN stays one. */
export async function updateUser(
  ctx: RequestContext,
  id: string,
  input: UpdateUserInput,
): Promise<Result<User>> {
  const tenant = requireTenant(ctx);
  const errors = await validateInput(input, ['input']);
  const user = isId(id) ? await ctx.em.findOne(User, { id }) : null;
  if (!user) errors.push(notFound(`user ${id}`, 'id'));
  const resources = input.resourceIds
    ? await checkResources(ctx, input.resourceIds, ['input', 'resourceIds'])
    : null;
  if (resources) errors.push(...resources.errors);
  if (errors.length || !user) return fail(...errors);
  const changes = {
    ...(input.name != null ? { name: input.name.trim() } : {}),
    ...(input.role != null ? { role: input.role } : {}),
    ...(input.active != null ? { active: input.active } : {}),
  };
  return ctx.em.transactional(async (tx) => {
    // One change of a tenant's users at a time: two admins demoting each other cannot both win.
    await tx.findOneOrFail(Tenant, { id: tenant.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const admins = await tx.find(User, { role: Role.ADMIN, active: true }, { fields: ['id'] });
    const leaves = changes.role === Role.STAFF || changes.active === false;
    if (leaves && admins.length === 1 && admins[0]?.id === user.id) {
      const why = `the last active ADMIN cannot be ${changes.active === false ? 'deactivated' : 'made STAFF'}: make another user ADMIN first`;
      return fail(
        invalid(['input', changes.active === false ? 'active' : 'role'], `This is ${why}`),
      );
    }
    // A change of role or resources leaves a STAFF user with at least one resource.
    if ((changes.role ?? user.role) === Role.STAFF && (changes.role || resources)) {
      const linked = resources?.ids.length ?? (await tx.count(UserResource, { user }));
      if (linked === 0) return fail(staffWithoutResources(['input', 'resourceIds']));
    }
    Object.assign(user, changes);
    if (resources) await setUserResources(tx, user.id, resources.ids);
    if (changes.active === false) await endSessions(tx, user);
    await audit(ctx, tx, {
      action: 'user.updated',
      entityType: 'user',
      entityId: id,
      changes: { ...changes, ...(resources ? { resourceIds: resources.ids } : {}) },
    });
    return ok(user);
  });
}

export async function createApiKey(
  ctx: RequestContext,
  args: CreateApiKeyArgs,
): Promise<Result<{ apiKey: ApiKey; secret: string }>> {
  const tenant = requireTenant(ctx);
  const errors = await validateInput(args, []);
  if (errors.length) return fail(...errors);
  const { role } = args;
  const trimmed = args.name.trim();
  const secret = newToken(TOKEN_PREFIX.apiKey);
  const apiKey = ctx.em.create(ApiKey, {
    tenant,
    name: trimmed,
    role,
    prefix: secret.slice(0, API_KEY_PREFIX_LENGTH),
    secretHash: sha256Hex(secret),
  });
  await audited(ctx, {
    action: 'api_key.created',
    entityType: 'api_key',
    entityId: apiKey.id,
    changes: { name: trimmed, role },
  });
  return ok({ apiKey, secret });
}

export async function revokeApiKey(ctx: RequestContext, id: string): Promise<Result<string>> {
  requireTenant(ctx);
  const key = isId(id) ? await ctx.em.findOne(ApiKey, { id, revokedAt: null }) : null;
  if (!key) return fail(notFound(`API key ${id}`, 'id'));
  key.revokedAt = new Date();
  await audited(ctx, {
    action: 'api_key.revoked',
    entityType: 'api_key',
    entityId: key.id,
    changes: { name: key.name },
  });
  return ok(key.id);
}

export async function listApiKeys(ctx: RequestContext): Promise<ApiKey[]> {
  requireTenant(ctx);
  return ctx.em.find(ApiKey, { revokedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

export function me(ctx: RequestContext): ActorType | null {
  const actor = ctx.actor;
  if (!actor) return null;
  return Object.assign(new ActorType(), {
    kind: actor.kind,
    role: actor.role,
    email: actor.kind === 'USER' ? actor.email : null,
    name: actor.kind === 'API_KEY' ? actor.name : null,
    tenant: ctx.tenant,
    userId: actor.kind === 'USER' ? actor.userId : null,
  });
}
