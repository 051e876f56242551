import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../audit/audit.js';
import { unknownServices } from '../catalog/known-services.js';
import type { RequestContext } from '../context/request-context.js';
import {
  dropReminders,
  planReminders,
  type ReminderSelection,
} from '../notifications/notification.store.js';
import { fail, notFound, ok, type Result } from '../shared/errors.js';
import { invalid, validateInput } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { ReminderRule } from './reminder-rule.entity.js';
import { MAX_RULES, type ReminderRuleInput } from './reminders.types.js';

// Reminders are notifications SCHEDULED at the booking's start minus a rule's offset, planned
// in the booking's transaction; the notifier's sweep queues them when their time comes.

const emailOn = (ctx: RequestContext) => ctx.config.emailEnabled && requireTenant(ctx).emailEnabled;

/** In the booking's transaction: its reminders from the rules (a confirmed booking, or a move). */
export async function planBookingReminders(
  ctx: RequestContext,
  tx: EntityManager,
  bookingId: string,
  replacing?: string,
): Promise<void> {
  const now = new Date(ctx.now());
  if (replacing) await dropReminders(tx, [bookingId], replacing, now);
  await planReminders(tx, { bookingIds: [bookingId] }, now, emailOn(ctx));
}

/** In the booking's transaction: the reminders still waiting are dropped, saying why. */
export async function dropBookingReminders(
  ctx: RequestContext,
  tx: EntityManager,
  bookingId: string,
  reason: string,
): Promise<void> {
  await dropReminders(tx, [bookingId], reason, new Date(ctx.now()));
}

export async function listRules(ctx: RequestContext): Promise<ReminderRule[]> {
  requireTenant(ctx);
  return ctx.em.find(ReminderRule, {}, { orderBy: { offsetMinutes: 'desc', recipient: 'asc' } });
}

/**
 * Replaces the business's rules, and re-plans the reminders of every confirmed booking still
 * to start, in one transaction: what waited is dropped, what the new rules say is planned
 * (a time already passed is SKIPPED, as for a new booking).
 */
export async function setRules(
  ctx: RequestContext,
  rules: ReminderRuleInput[],
): Promise<Result<ReminderRule[]>> {
  const tenant = requireTenant(ctx);
  const errors = await validateInput(rules, ['rules']);
  if (rules.length > MAX_RULES) {
    errors.push(invalid(['rules'], `rules must be at most ${MAX_RULES}`));
  }
  const seen = new Set<string>();
  for (const [i, rule] of rules.entries()) {
    const key = `${rule.offsetMinutes}:${rule.recipient}:${[...rule.serviceIds].sort().join(',')}`;
    if (seen.has(key)) {
      errors.push(invalid(['rules', String(i)], `rules.${i} repeats an earlier rule`));
    }
    seen.add(key);
  }
  const unknown = await unknownServices(
    ctx,
    rules.flatMap((r) => r.serviceIds),
  );
  for (const [i, rule] of rules.entries()) {
    const missing = rule.serviceIds.filter((id) => unknown.includes(id));
    if (missing.length) {
      errors.push(notFound(`service ${missing.join(', ')}`, 'rules', String(i), 'serviceIds'));
    }
  }
  if (errors.length) return fail(...errors);
  const now = new Date(ctx.now());
  const made = await ctx.em.transactional(async (tx) => {
    await tx.nativeDelete(ReminderRule, {});
    const created = rules.map((r) =>
      tx.create(ReminderRule, {
        tenant: tenant.id,
        offsetMinutes: r.offsetMinutes,
        recipient: r.recipient,
        serviceIds: [...new Set(r.serviceIds)],
        active: r.active,
      }),
    );
    await tx.flush();
    const future: ReminderSelection = { startingAfter: now };
    await dropReminders(tx, null, 'the reminder rules changed', now);
    await planReminders(tx, future, now, emailOn(ctx));
    await audit(ctx, tx, {
      action: 'reminder_rules.set',
      entityType: 'tenant',
      entityId: tenant.id,
      changes: { rules: rules.map((r) => ({ ...r })) },
    });
    return created;
  });
  return ok(made);
}
