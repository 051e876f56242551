import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { Role } from '../access/role.js';
import { inScope, staffScope } from '../access/scope.js';
import { UserResource } from '../access/user-resource.entity.js';
import { audit, audited } from '../audit/audit.js';
import { affectedChanges, settle } from '../availability/affected.js';
import { type AffectedArgs, AffectedBookings } from '../availability/availability.types.js';
import type { BookingView } from '../bookings/booking.entity.js';
import { bookingsOf, lockResourceHours, openBookingsOn } from '../bookings/booking.store.js';
import { present } from '../context/loaders.js';
import type { RequestContext } from '../context/request-context.js';
import { ApiError, fail, notFound, ok, type Result, type UserError } from '../shared/errors.js';
import { invalid, isId, validateInput } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import type { ResourceInput, ResourceNameArgs, ServiceInput } from './catalog.types.js';
import { Resource } from './resource.entity.js';
import { Service } from './service.entity.js';
import { type PoolSpec, poolRows, setServicePool, specOf } from './service-pool.store.js';
import { ServiceResource } from './service-resource.entity.js';

function isAdmin(ctx: RequestContext): boolean {
  return ctx.actor?.role === Role.ADMIN;
}

export async function createResource(
  ctx: RequestContext,
  args: ResourceNameArgs,
): Promise<Result<Resource>> {
  const tenant = requireTenant(ctx);
  const errors = await validateInput(args, []);
  if (errors.length) return fail(...errors);
  const trimmed = args.name.trim();
  const resource = ctx.em.create(Resource, { tenant, name: trimmed });
  await audited(ctx, {
    action: 'resource.created',
    entityType: 'resource',
    entityId: resource.id,
    changes: { name: trimmed },
  });
  return ok(resource);
}

/**
 * Renames a resource, or takes it out of service: refused while open bookings to come hold
 * it, unless the caller asks to cancel them (`onAffected: CANCEL`).
 */
export async function updateResource(
  ctx: RequestContext,
  id: string,
  input: ResourceInput,
  affected: AffectedArgs,
): Promise<Result<{ resource: Resource; affectedBookings: BookingView[] }>> {
  requireTenant(ctx);
  const errors = [
    ...(await validateInput(input, ['input'])),
    ...(await validateInput(affected, [])),
  ];
  const resource = await findResource(ctx, id);
  if (!resource) errors.push(notFound(`resource ${id}`, 'id'));
  if (errors.length || !resource) return fail(...errors);
  const changes = {
    ...(input.name != null ? { name: input.name.trim() } : {}),
    ...(input.active != null ? { active: input.active } : {}),
  };
  return ctx.em.transactional(async (tx) => {
    // Under the lock createBooking takes: no booking lands between the count and the change.
    await lockResourceHours(tx, resource.id);
    const holding =
      changes.active === false && resource.active
        ? await openBookingsOn(tx, [id], new Date(ctx.now()))
        : [];
    if (holding.length && affected.onAffected !== AffectedBookings.CANCEL) {
      const why = `cannot be false while ${holding.length} future booking(s) hold the resource: cancel or move them first, or pass onAffected: CANCEL`;
      return fail(invalid(['input', 'active'], `active ${why}`));
    }
    Object.assign(resource, changes);
    await audit(ctx, tx, {
      action: 'resource.updated',
      entityType: 'resource',
      entityId: id,
      changes: { ...changes, ...affectedChanges(holding, affected) },
    });
    return ok({ resource, affectedBookings: await settle(ctx, tx, holding, affected) });
  });
}

/** Deletes a resource that no booking or service names (its hours and blackouts with it). */
export async function deleteResource(ctx: RequestContext, id: string): Promise<Result<string>> {
  requireTenant(ctx);
  const resource = await findResource(ctx, id);
  if (!resource) return fail(notFound(`resource ${id}`, 'id'));
  const members = await ctx.em.find(ServiceResource, { resource }, { populate: ['service'] });
  const services = [...new Set(members.map((m) => m.service.getEntity()))];
  const booked = await bookingsOf(ctx.em, 'resource_id', id);
  const others = await ctx.em.count(Resource, { id: { $ne: id } });
  const links = await ctx.em.find(UserResource, { resource }, { populate: ['user'] });
  const users = links.map((l) => l.user.getEntity().email);
  const why = [
    services.length ? `the service(s) ${services.map((s) => `"${s.name}"`).join(', ')} use it` : '',
    users.length ? `the user(s) ${users.join(', ')} work on it (updateUser resourceIds)` : '',
    booked ? `${booked} booking(s) name it (deactivate it instead: active false)` : '',
    others ? '' : 'it is the last resource of the business',
  ].filter(Boolean);
  if (why.length)
    return fail(invalid(['id'], `This resource cannot be deleted: ${why.join('; ')}`));
  return deleted(ctx, id, 'resource');
}

/** Deletes a service that no booking names (else deactivate it). */
export async function deleteService(ctx: RequestContext, id: string): Promise<Result<string>> {
  const found = await serviceToChange(ctx, id);
  if (!found.ok) return fail(...found.errors);
  const booked = await bookingsOf(ctx.em, 'service_id', id);
  if (booked) {
    const why = `This service cannot be deleted: ${booked} booking(s) name it (deactivate it instead: setServiceActive)`;
    return fail(invalid(['id'], why));
  }
  return deleted(ctx, id, 'service');
}

/** Deletes the row with its audit entry; a booking made meanwhile makes it a user error. */
async function deleted(
  ctx: RequestContext,
  id: string,
  what: 'resource' | 'service',
): Promise<Result<string>> {
  try {
    await ctx.em.transactional(async (tx) => {
      if (what === 'resource') await tx.nativeDelete(Resource, { id });
      else await tx.nativeDelete(Service, { id });
      await audit(ctx, tx, { action: `${what}.deleted`, entityType: what, entityId: id });
    });
    return ok(id);
  } catch (err) {
    if (!(err instanceof ForeignKeyConstraintViolationException)) throw err;
    return fail(
      invalid(['id'], `This ${what} cannot be deleted: a booking or user named it meanwhile`),
    );
  }
}

/** The resources the caller works on: the tenant's, a STAFF user's own. */
const callersResources = (ctx: RequestContext) => {
  const scope = staffScope(ctx);
  return scope === null ? {} : { id: { $in: [...scope] } };
};

export function listResources(ctx: RequestContext): Promise<Resource[]> {
  requireTenant(ctx);
  return ctx.em.find(Resource, callersResources(ctx), { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** The caller's first resource: the default for services and availability without a resourceId. */
export async function firstResource(ctx: RequestContext): Promise<Resource> {
  requireTenant(ctx);
  const resource = await ctx.em.findOne(Resource, callersResources(ctx), {
    orderBy: { createdAt: 'asc', id: 'asc' },
  });
  if (!resource) throw new Error('the caller has no resource');
  return resource;
}

/**
 * A resource of this tenant by id that the caller works on: ids of other tenants, and for STAFF
 * of other resources, answer exactly like unknown ones.
 */
export async function findResource(ctx: RequestContext, id: string): Promise<Resource | null> {
  return isId(id) && inScope(ctx, id) ? ctx.em.findOne(Resource, { id }) : null;
}

/** The resources a service input names: its pool (null: as it was) and requirements. */
async function checkServiceInput(
  ctx: RequestContext,
  input: ServiceInput,
): Promise<{
  errors: UserError[];
  pool: string[] | null;
  requirements: PoolSpec['requirements'] | null;
}> {
  const errors = await validateInput(input, ['input']);
  const { resourceId, resourceIds } = input;
  if (resourceId != null && resourceIds != null && resourceIds[0] !== resourceId) {
    errors.push(
      invalid(['input', 'resourceId'], 'resourceId must be the first of resourceIds, or left out'),
    );
  }
  const pool = resourceIds ?? (resourceId != null ? [resourceId] : null);
  const named: Array<[string, string[]]> = [
    ...(pool ?? []).map((id, i): [string, string[]] => [
      id,
      resourceIds ? ['input', 'resourceIds', String(i)] : ['input', 'resourceId'],
    ]),
    ...(input.requirements ?? []).flatMap((r, n) =>
      r.resourceIds.map((id, i): [string, string[]] => [
        id,
        ['input', 'requirements', String(n), 'resourceIds', String(i)],
      ]),
    ),
  ];
  const found = await ctx.em.find(
    Resource,
    { id: { $in: named.map(([id]) => id).filter(isId) } },
    { fields: ['id'] },
  );
  const known = new Set(found.map((r) => r.id));
  const seen = new Set<string>();
  for (const [id, field] of named) {
    if (!known.has(id)) errors.push(notFound(`resource ${id}`, ...field));
    else if (seen.has(id) && field[1] === 'requirements') {
      // Within one list the input's own rule says so; across lists a booking would need it twice.
      errors.push(
        invalid(field, `${field.join('.')} is already in the pool or another requirement`),
      );
    }
    seen.add(id);
  }
  if (input.requirements?.length && (input.capacity ?? 1) > 1) {
    errors.push(
      invalid(
        ['input', 'requirements'],
        'requirements are for services of capacity 1: a group session with a room is not offered yet',
      ),
    );
  }
  const requirements =
    input.requirements?.map((r) => ({ label: r.label.trim(), resourceIds: r.resourceIds })) ?? null;
  return { errors, pool, requirements };
}

function applyServiceInput(service: Service, input: ServiceInput): void {
  service.name = input.name.trim();
  service.description = input.description ?? null;
  service.durationMinutes = input.durationMinutes;
  service.slotIntervalOverride = input.slotIntervalMinutes ?? null;
  service.bufferBeforeMinutes = input.bufferBeforeMinutes ?? 0;
  service.bufferAfterMinutes = input.bufferAfterMinutes ?? 0;
  service.capacity = input.capacity ?? 1;
  service.priceMinor = input.priceMinor ?? null;
  service.currency = input.currency ?? null;
  service.requiresConfirmation = input.requiresConfirmation ?? false;
  service.minimumNoticeMinutes = input.minimumNoticeMinutes ?? null;
  service.maxAdvanceDays = input.maxAdvanceDays ?? null;
  if (input.assignment) service.assignment = input.assignment;
}

export async function createService(
  ctx: RequestContext,
  input: ServiceInput,
): Promise<Result<Service>> {
  const tenant = requireTenant(ctx);
  const { errors, pool, requirements } = await checkServiceInput(ctx, input);
  if (errors.length) return fail(...errors);
  const spec = { pool: pool ?? [(await firstResource(ctx)).id], requirements: requirements ?? [] };
  const service = ctx.em.create(Service, {
    tenant,
    resource: ctx.em.getReference(Resource, spec.pool[0] as string, { wrapped: true }),
    name: input.name,
    durationMinutes: input.durationMinutes,
  });
  applyServiceInput(service, input);
  await ctx.em.transactional(async (tx) => {
    await tx.flush();
    await setServicePool(tx, service.id, spec);
    await audit(ctx, tx, {
      action: 'service.created',
      entityType: 'service',
      entityId: service.id,
      changes: { ...input },
    });
  });
  return ok(service);
}

/** A service of this tenant to change, active or not; NOT_FOUND on the `id` argument. */
async function serviceToChange(ctx: RequestContext, id: string): Promise<Result<Service>> {
  requireTenant(ctx);
  const service = isId(id) ? await ctx.em.findOne(Service, { id }) : null;
  return service ? ok(service) : fail(notFound(`service ${id}`, 'id'));
}

export async function updateService(
  ctx: RequestContext,
  id: string,
  input: ServiceInput,
): Promise<Result<Service>> {
  const found = await serviceToChange(ctx, id);
  if (!found.ok) return found;
  const service = found.value;
  const { errors, pool, requirements } = await checkServiceInput(ctx, input);
  if (errors.length) return fail(...errors);
  applyServiceInput(service, input);
  const current = specOf(await poolRows(ctx.em, [service.id]));
  if (!requirements && current.requirements.length && service.capacity > 1) {
    return fail(
      invalid(['input', 'capacity'], 'capacity must be 1 while the service has requirements'),
    );
  }
  await ctx.em.transactional(async (tx) => {
    if (pool || requirements) {
      const spec = {
        pool: pool ?? current.pool,
        requirements: requirements ?? current.requirements,
      };
      service.resource = tx.getReference(Resource, spec.pool[0] as string, { wrapped: true });
      await setServicePool(tx, service.id, spec);
    }
    await tx.flush();
    await audit(ctx, tx, {
      action: 'service.updated',
      entityType: 'service',
      entityId: service.id,
      changes: { ...input },
    });
  });
  return ok(service);
}

export async function setServiceActive(
  ctx: RequestContext,
  id: string,
  active: boolean,
): Promise<Result<Service>> {
  const found = await serviceToChange(ctx, id);
  if (!found.ok) return found;
  const service = found.value;
  service.active = active;
  await audited(ctx, {
    action: active ? 'service.activated' : 'service.deactivated',
    entityType: 'service',
    entityId: service.id,
  });
  return ok(service);
}

/** Whether the public sees a service: active, with a resource in service in its pool and in each requirement. */
async function bookable(ctx: RequestContext, service: Service): Promise<boolean> {
  if (!service.active) return false;
  const { pool, requirements } = await ctx.loaders.pool.load(service.id);
  const inService = async (ids: readonly string[]) =>
    present(await ctx.loaders.resource.loadMany(ids)).some((r) => r.active);
  const lists = [pool, ...requirements.map((r) => r.resourceIds)];
  return (await Promise.all(lists.map(inService))).every(Boolean);
}

/** Public: the services that can be booked. Admins may ask for every service. */
export async function listServices(
  ctx: RequestContext,
  includeInactive: boolean,
): Promise<Service[]> {
  requireTenant(ctx);
  if (includeInactive && !isAdmin(ctx)) {
    throw new ApiError('FORBIDDEN', 'includeInactive needs the role ADMIN');
  }
  const all = await ctx.em.find(Service, includeInactive ? {} : { active: true }, {
    orderBy: { name: 'asc', id: 'asc' },
  });
  if (includeInactive) return all;
  const shown = await Promise.all(all.map((service) => bookable(ctx, service)));
  return all.filter((_, i) => shown[i]);
}

/** Public: a service that can be booked; admins also see the others. Unknown ids answer null. */
export async function findService(ctx: RequestContext, id: string): Promise<Service | null> {
  requireTenant(ctx);
  if (!isId(id)) return null;
  const service = await ctx.em.findOne(Service, { id });
  if (!service) return null;
  return isAdmin(ctx) || (await bookable(ctx, service)) ? service : null;
}
