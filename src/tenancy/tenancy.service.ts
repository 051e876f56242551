import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../access/role.js';
import { hashPassword } from '../access/secrets.js';
import { User } from '../access/user.entity.js';
import { audit, audited } from '../audit/audit.js';
import { Resource } from '../catalog/resource.entity.js';
import type { RequestContext } from '../context/request-context.js';
import { DEFAULT_REMINDER, ReminderRule } from '../reminders/reminder-rule.entity.js';
import { fail, notFound, ok, type Result } from '../shared/errors.js';
import { canonicalLocale } from '../shared/locale.js';
import { invalid, validateInput } from '../shared/validation.js';
import { normalizeOrigin } from './origins.js';
import { requireTenant } from './require-tenant.js';
import { Tenant } from './tenant.entity.js';
import type { CreateTenantInput, UpdateTenantInput } from './tenant.types.js';
import { RESERVED_LABELS } from './tenant-sources.js';

/** A tenant with its first resource and admin user, in one transaction (createTenant, the demo). */
export async function insertTenant(
  em: EntityManager,
  data: CreateTenantInput,
  /** Adds more to the same transaction (the audit row). */
  also?: (tx: EntityManager, tenant: Tenant) => Promise<void>,
): Promise<Tenant> {
  const passwordHash = await hashPassword(data.adminPassword);
  return em.transactional(async (tx) => {
    const tenant = tx.create(Tenant, {
      slug: data.slug,
      name: data.name,
      timeZone: data.timeZone,
      email: data.email.toLowerCase(),
      subdomain: data.subdomain ?? data.slug,
    });
    tx.create(Resource, { tenant, name: data.name });
    tx.create(ReminderRule, { tenant, ...DEFAULT_REMINDER });
    tx.create(User, {
      tenant,
      email: data.adminEmail.toLowerCase(),
      passwordHash,
      role: Role.ADMIN,
    });
    await tx.flush();
    await also?.(tx, tenant);
    return tenant;
  });
}

async function takenErrors(
  em: EntityManager,
  slug: string | undefined,
  subdomain: string | undefined,
  exceptId?: string,
) {
  const errors = [];
  const others = (where: object) =>
    em.count(Tenant, exceptId ? { ...where, id: { $ne: exceptId } } : where);
  if (slug !== undefined && (await others({ slug })) > 0) {
    errors.push(invalid(['input', 'slug'], `slug "${slug}" is already taken`));
  }
  if (subdomain !== undefined && (await others({ subdomain })) > 0) {
    errors.push(invalid(['input', 'subdomain'], `subdomain "${subdomain}" is already taken`));
  }
  return errors;
}

export async function createTenant(
  ctx: RequestContext,
  input: CreateTenantInput,
): Promise<Result<Tenant>> {
  const errors = await validateInput(input, ['input']);
  if (input.subdomain == null && RESERVED_LABELS.has(input.slug)) {
    errors.push(
      invalid(
        ['input', 'subdomain'],
        `subdomain defaults to the slug, and "${input.slug}" is one of the platform's own host names: give another subdomain`,
      ),
    );
  }
  if (errors.length) return fail(...errors);
  const subdomain = input.subdomain ?? input.slug;
  const taken = await takenErrors(ctx.em, input.slug, subdomain);
  if (taken.length) return fail(...taken);
  try {
    return ok(
      await insertTenant(ctx.em, { ...input, subdomain }, (tx, tenant) =>
        audit(ctx, tx, {
          tenant,
          action: 'tenant.created',
          entityType: 'tenant',
          entityId: tenant.id,
          changes: { slug: input.slug, name: input.name, timeZone: input.timeZone },
        }),
      ),
    );
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) {
      return fail(invalid(['input', 'slug'], 'slug or subdomain was taken at the same moment'));
    }
    throw err;
  }
}

export async function updateTenant(
  ctx: RequestContext,
  input: UpdateTenantInput,
): Promise<Result<Tenant>> {
  const tenant = requireTenant(ctx);
  const errors = await validateInput(input, ['input']);
  if (errors.length) return fail(...errors);
  const origins = (input.allowedOrigins ?? []).map((value) => normalizeOrigin(value) ?? value);
  const taken = await takenErrors(ctx.em, undefined, input.subdomain ?? undefined, tenant.id);
  if (taken.length) return fail(...taken);

  if (input.name != null) tenant.name = input.name;
  if (input.timeZone != null) tenant.timeZone = input.timeZone;
  if (input.email != null) tenant.email = input.email.toLowerCase();
  if (input.phone !== undefined) tenant.phone = input.phone === '' ? null : input.phone;
  if (input.address !== undefined) tenant.address = input.address?.trim() || null;
  if (input.locale != null) tenant.locale = canonicalLocale(input.locale) ?? tenant.locale;
  if (input.subdomain != null) tenant.subdomain = input.subdomain;
  if (input.minimumNoticeMinutes != null) tenant.minimumNoticeMinutes = input.minimumNoticeMinutes;
  if (input.maxAdvanceDays != null) tenant.maxAdvanceDays = input.maxAdvanceDays;
  if (input.cancellationNoticeMinutes != null) {
    tenant.cancellationNoticeMinutes = input.cancellationNoticeMinutes;
  }
  if (input.allowedOrigins != null) tenant.allowedOrigins = [...new Set(origins)];
  if (input.emailEnabled != null) tenant.emailEnabled = input.emailEnabled;
  const changed = Object.fromEntries(
    Object.entries(input)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, ['email', 'phone', 'address'].includes(k) ? '(changed)' : v]),
  );
  try {
    await audited(ctx, {
      action: 'tenant.updated',
      entityType: 'tenant',
      entityId: tenant.id,
      changes: changed,
    });
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) {
      return fail(invalid(['input', 'subdomain'], 'subdomain was taken at the same moment'));
    }
    throw err;
  }
  return ok(tenant);
}

/** Platform operator: switch a tenant on or off. An inactive tenant answers no request. */
export async function setTenantActive(
  ctx: RequestContext,
  slug: string,
  active: boolean,
): Promise<Result<Tenant>> {
  const tenant = await ctx.em.findOne(Tenant, { slug });
  if (!tenant) return fail(notFound(`tenant "${slug}"`, 'slug'));
  tenant.active = active;
  await audited(ctx, {
    tenant,
    action: active ? 'tenant.activated' : 'tenant.deactivated',
    entityType: 'tenant',
    entityId: tenant.id,
  });
  return ok(tenant);
}
