import { Role } from '../access/role.js';
import { audited } from '../audit/audit.js';
import type { RequestContext } from '../context/request-context.js';
import { ApiError, fail, notFound, ok, type Result, type UserError } from '../shared/errors.js';
import { isId, validateInput } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import type { ResourceNameArgs, ServiceInput } from './catalog.types.js';
import { Resource } from './resource.entity.js';
import { Service } from './service.entity.js';

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

export function listResources(ctx: RequestContext): Promise<Resource[]> {
  requireTenant(ctx);
  return ctx.em.find(Resource, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** The tenant's first resource: the default for services and availability without a resourceId. */
export async function firstResource(ctx: RequestContext): Promise<Resource> {
  requireTenant(ctx);
  const resource = await ctx.em.findOne(Resource, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  if (!resource) throw new Error('tenant has no resource');
  return resource;
}

/** A resource of this tenant by id (ids of other tenants answer exactly like unknown ones). */
export async function findResource(ctx: RequestContext, id: string): Promise<Resource | null> {
  return isId(id) ? ctx.em.findOne(Resource, { id }) : null;
}

async function checkServiceInput(
  ctx: RequestContext,
  input: ServiceInput,
): Promise<{ errors: UserError[]; resource: Resource | null }> {
  const errors = await validateInput(input, ['input']);
  let resource: Resource | null = null;
  if (input.resourceId != null) {
    resource = await findResource(ctx, input.resourceId);
    if (!resource) {
      errors.push(notFound(`resource ${input.resourceId}`, 'input', 'resourceId'));
    }
  }
  return { errors, resource };
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
}

export async function createService(
  ctx: RequestContext,
  input: ServiceInput,
): Promise<Result<Service>> {
  const tenant = requireTenant(ctx);
  const { errors, resource } = await checkServiceInput(ctx, input);
  if (errors.length) return fail(...errors);
  const service = ctx.em.create(Service, {
    tenant,
    resource: resource ?? (await firstResource(ctx)),
    name: input.name,
    durationMinutes: input.durationMinutes,
  });
  applyServiceInput(service, input);
  await audited(ctx, {
    action: 'service.created',
    entityType: 'service',
    entityId: service.id,
    changes: { ...input },
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
  const { errors, resource } = await checkServiceInput(ctx, input);
  if (errors.length) return fail(...errors);
  applyServiceInput(service, input);
  if (resource) service.resource = ctx.em.getReference(Resource, resource.id, { wrapped: true });
  await audited(ctx, {
    action: 'service.updated',
    entityType: 'service',
    entityId: service.id,
    changes: { ...input },
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

/** Public: active services. Admins may ask for inactive ones too. */
export function listServices(ctx: RequestContext, includeInactive: boolean): Promise<Service[]> {
  requireTenant(ctx);
  if (includeInactive && !isAdmin(ctx)) {
    throw new ApiError('FORBIDDEN', 'includeInactive needs the role ADMIN');
  }
  return ctx.em.find(Service, includeInactive ? {} : { active: true }, {
    orderBy: { name: 'asc', id: 'asc' },
  });
}

/** Public: an active service; admins also see inactive ones. Unknown ids answer null. */
export async function findService(ctx: RequestContext, id: string): Promise<Service | null> {
  requireTenant(ctx);
  if (!isId(id)) return null;
  return ctx.em.findOne(Service, isAdmin(ctx) ? { id } : { id, active: true });
}
