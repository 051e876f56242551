import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { audit, audited } from '../audit/audit.js';
import { Resource } from '../catalog/resource.entity.js';
import type { RequestContext } from '../context/request-context.js';
import { fail, notFound, ok, type Result, UserErrorCode, userError } from '../shared/errors.js';
import { answerEvenly } from '../shared/even-answer.js';
import { invalid, isId, validateInput } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { checkResources, staffWithoutResources, startSession } from './access.service.js';
import { endSessions, setUserResources } from './access.store.js';
import type {
  AcceptInvitationArgs,
  InviteUserInput,
  ResetPasswordArgs,
  SessionToken,
} from './access.types.js';
import { Invitation } from './invitation.entity.js';
import { PasswordReset } from './password-reset.entity.js';
import { Role } from './role.js';
import { hashPassword, newToken, sha256Hex, TOKEN_PREFIX } from './secrets.js';
import { User } from './user.entity.js';

// The one-time links of account email: an invitation (7 days) and a password reset (1 hour).

const INVITATION_DAYS = 7;
const RESET_MINUTES = 60;
/** One answer for every token that does not work: unknown, used, expired or revoked. */
const linkRefused = (field: string) =>
  userError(
    UserErrorCode.INVALID_INPUT,
    `${field} is not a valid link: it may have been used already or have expired`,
    [field],
  );

/** The audit's actor for what a user does through a link, before any session of theirs. */
const asUser = (ctx: RequestContext, user: User) => ({
  tenant: ctx.tenant,
  actor: {
    kind: 'USER' as const,
    role: user.role,
    tenantId: user.tenant.id,
    userId: user.id,
    sessionId: '',
    email: user.email,
    resourceIds: [],
  },
});

/** ADMIN: invites an email to become a user; the email carries the one-time link. */
export async function inviteUser(
  ctx: RequestContext,
  input: InviteUserInput,
): Promise<Result<Invitation>> {
  const tenant = requireTenant(ctx);
  const errors = await validateInput(input, ['input']);
  const resources = await checkResources(ctx, input.resourceIds, ['input', 'resourceIds']);
  errors.push(...resources.errors);
  if (!errors.length && input.role === Role.STAFF && !resources.ids.length) {
    errors.push(staffWithoutResources(['input', 'resourceIds']));
  }
  const email = input.email.trim().toLowerCase();
  if (!errors.length && (await ctx.em.count(User, { email }))) {
    errors.push(invalid(['input', 'email'], `${email} is already a user of this business`));
  }
  if (errors.length) return fail(...errors);
  const token = newToken(TOKEN_PREFIX.invitation);
  const now = ctx.now();
  const expiresAt = new Date(now + INVITATION_DAYS * 24 * 60 * 60_000);
  return ctx.em.transactional(async (tx) => {
    // A new invitation replaces the email's open one: only the newest link works.
    await tx.nativeUpdate(
      Invitation,
      { email, acceptedAt: null, revokedAt: null },
      { revokedAt: new Date(now) },
    );
    const invitedBy = ctx.actor?.kind === 'USER' ? ctx.actor.userId : null;
    const invitation = tx.create(Invitation, {
      tenant,
      email,
      role: input.role,
      resourceIds: resources.ids,
      tokenHash: sha256Hex(token),
      expiresAt,
      invitedBy,
    });
    await tx.flush();
    await ctx.notifier.accountEvent(tx, await tx.findOneOrFail(Tenant, { id: tenant.id }), {
      account: 'invitation',
      recipient: email,
      token,
      expiresAt: expiresAt.toISOString(),
      role: input.role,
    });
    await audit(ctx, tx, {
      action: 'invitation.created',
      entityType: 'invitation',
      entityId: invitation.id,
      changes: { email, role: input.role, resourceIds: resources.ids },
    });
    return ok(invitation);
  });
}

/** ADMIN: the invitations not yet accepted, revoked or expired, newest first. */
export function listInvitations(ctx: RequestContext): Promise<Invitation[]> {
  requireTenant(ctx);
  return ctx.em.find(
    Invitation,
    { acceptedAt: null, revokedAt: null, expiresAt: { $gt: new Date(ctx.now()) } },
    { orderBy: { createdAt: 'desc', id: 'desc' } },
  );
}

/** ADMIN: an open invitation's link stops working. */
export async function revokeInvitation(ctx: RequestContext, id: string): Promise<Result<string>> {
  requireTenant(ctx);
  if (!isId(id)) return fail(notFound(`invitation ${id}`, 'id'));
  const revoked = await ctx.em.nativeUpdate(
    Invitation,
    { id, acceptedAt: null, revokedAt: null },
    { revokedAt: new Date(ctx.now()) },
  );
  if (!revoked) return fail(notFound(`open invitation ${id}`, 'id'));
  await audited(ctx, { action: 'invitation.revoked', entityType: 'invitation', entityId: id });
  return ok(id);
}

/** Public, with the link's token: the invited user chooses a name and password and is signed in. */
export async function acceptInvitation(
  ctx: RequestContext,
  args: AcceptInvitationArgs,
): Promise<Result<SessionToken>> {
  requireTenant(ctx);
  // A guessed token is a sign-in attempt: the same limit per address.
  if (ctx.ip) await ctx.limits.consume('loginIp', ctx.ip, 'sign-in attempts from this address');
  const errors = await validateInput(args, []);
  if (errors.length) return fail(...errors);
  const accepted = await acceptIn(ctx, args).catch((err: unknown) => {
    // Two invitations of one email accepted at once: the second finds the email taken.
    if (err instanceof UniqueConstraintViolationException) return null;
    throw err;
  });
  if (!accepted) return fail(linkRefused('token'));
  return ok(await startSession(ctx, ctx.em.merge(accepted)));
}

/** The user an open, unexpired invitation becomes, in one transaction; null for any other token. */
function acceptIn(ctx: RequestContext, args: AcceptInvitationArgs): Promise<User | null> {
  const tenant = requireTenant(ctx);
  return ctx.em.transactional(async (tx) => {
    const invitation = await tx.findOne(
      Invitation,
      { tokenHash: sha256Hex(args.token), acceptedAt: null, revokedAt: null },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!invitation || invitation.expiresAt.getTime() <= ctx.now()) return null;
    // The email became a user meanwhile (another invitation): this link is spent.
    if (await tx.count(User, { email: invitation.email })) return null;
    // Resources deleted since the invitation are dropped.
    const still = await tx.find(
      Resource,
      { id: { $in: invitation.resourceIds } },
      { fields: ['id'] },
    );
    const user = tx.create(User, {
      tenant,
      email: invitation.email,
      name: args.name.trim(),
      role: invitation.role,
      passwordHash: await hashPassword(args.password),
    });
    invitation.acceptedAt = new Date(ctx.now());
    await tx.flush();
    await setUserResources(
      tx,
      user.id,
      still.map((r) => r.id),
    );
    await audit(asUser(ctx, user), tx, {
      action: 'invitation.accepted',
      entityType: 'user',
      entityId: user.id,
      changes: { invitationId: invitation.id, role: user.role },
    });
    return user;
  });
}

/**
 * Public: mails a one-time reset link when the email is an active user's. The answer is `true`
 * either way and comes no sooner than EVEN_ANSWER_MS, so it tells nothing by content or time.
 */
export async function requestPasswordReset(ctx: RequestContext, email: string): Promise<boolean> {
  const tenant = requireTenant(ctx);
  const started = performance.now();
  if (ctx.ip) await ctx.limits.consume('loginIp', ctx.ip, 'sign-in attempts from this address');
  // Counted per email whether or not it is a user's, so the limit tells nothing either.
  const address = email.trim().toLowerCase();
  await ctx.limits.consume(
    'resetAccount',
    `${tenant.id}:${address}`,
    'reset emails for this address',
  );
  const user = await ctx.em.findOne(User, { email: address, active: true });
  if (user) {
    const token = newToken(TOKEN_PREFIX.passwordReset);
    const expiresAt = new Date(ctx.now() + RESET_MINUTES * 60_000);
    await ctx.em.transactional(async (tx) => {
      tx.create(PasswordReset, { tenant, user, tokenHash: sha256Hex(token), expiresAt });
      await tx.flush();
      await ctx.notifier.accountEvent(tx, await tx.findOneOrFail(Tenant, { id: tenant.id }), {
        account: 'password_reset',
        recipient: user.email,
        token,
        expiresAt: expiresAt.toISOString(),
      });
      await audit(asUser(ctx, user), tx, {
        action: 'user.password_reset_requested',
        entityType: 'user',
        entityId: user.id,
      });
    });
  }
  await answerEvenly(started);
  return true;
}

/** Public, with the link's token: a new password, every session ended, and a new one started. */
export async function resetPassword(
  ctx: RequestContext,
  args: ResetPasswordArgs,
): Promise<Result<SessionToken>> {
  const tenant = requireTenant(ctx);
  if (ctx.ip) await ctx.limits.consume('loginIp', ctx.ip, 'sign-in attempts from this address');
  const errors = await validateInput(args, []);
  if (errors.length) return fail(...errors);
  const passwordHash = await hashPassword(args.newPassword);
  const done = await ctx.em.transactional(async (tx) => {
    const reset = await tx.findOne(
      PasswordReset,
      { tokenHash: sha256Hex(args.token), usedAt: null },
      { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['user'] },
    );
    if (!reset || reset.expiresAt.getTime() <= ctx.now()) return null;
    const user = reset.user.getEntity();
    if (!user.active) return null;
    reset.usedAt = new Date(ctx.now());
    user.passwordHash = passwordHash;
    await tx.flush();
    // Every other link of the user is spent too, and every session ends.
    await tx.nativeUpdate(PasswordReset, { user, usedAt: null }, { usedAt: new Date(ctx.now()) });
    await endSessions(tx, user);
    await audit(asUser(ctx, user), tx, {
      action: 'user.password_reset',
      entityType: 'user',
      entityId: user.id,
    });
    return user;
  });
  if (!done) return fail(linkRefused('token'));
  // A reset is proof of the mailbox: the account's sign-in lockout ends with it.
  await ctx.limits.reset('loginAccount', `${tenant.id}:${done.email}`);
  return ok(await startSession(ctx, ctx.em.merge(done)));
}
