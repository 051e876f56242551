import type { EntityManager } from '@mikro-orm/postgresql';
import { AssignmentPolicy } from '../catalog/assignment.js';
import type { RequestContext } from '../context/request-context.js';
import { ApiError } from '../shared/errors.js';
import { checkLocalDateRange, isId } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import type { Tenant } from '../tenancy/tenant.entity.js';
import {
  type BookableService,
  blackoutSpans,
  busySpans,
  findBookableService,
  lastAssignments,
  overridesOf,
  type ResourceHours,
} from './slot.store.js';
import {
  computePoolSlots,
  type EngineService,
  type MemberQuery,
  type PoolSlot,
  type SlotQuery,
  unchangedUntil,
} from './slot-engine.js';
import { addDays, localDateOf, startOfLocalDay } from './zone-time.js';

/** Longest range of local dates one `slots` request may ask for. */
const MAX_SLOT_RANGE_DAYS = 62;

/** The service as the engine takes it: the tenant's defaults where it has none of its own. */
function engineServiceOf(service: BookableService, tenant: Tenant): EngineService {
  const { minimumNoticeMinutes: notice, maxAdvanceDays: days } = service;
  return {
    ...service,
    slotIntervalMinutes: service.slotIntervalMinutes, // a getter, when it is an entity
    minimumNoticeMinutes: notice ?? tenant.minimumNoticeMinutes,
    maxAdvanceDays: days ?? tenant.maxAdvanceDays,
  };
}

/**
 * What the engine needs for `service` on each of `resources` over local dates from..to, in
 * three statements on `em` whatever their number; without the booking `excludeBookingId`
 * (the one being moved).
 */
export async function loadSlotQueries(
  em: EntityManager,
  tenant: Tenant,
  service: BookableService,
  resources: readonly ResourceHours[],
  range: { from: string; to: string; now: number },
  excludeBookingId?: string,
): Promise<MemberQuery[]> {
  const { from, to, now } = range;
  const engineService = engineServiceOf(service, tenant);
  // A clock change can push the last date's window past midnight: up to the end of the next day.
  const rangeStart = startOfLocalDay(from, tenant.timeZone);
  const rangeEnd = startOfLocalDay(addDays(to, 2), tenant.timeZone);
  const busyFrom = new Date(rangeStart - engineService.bufferBeforeMinutes * 60_000);
  const busyTo = new Date(rangeEnd + engineService.bufferAfterMinutes * 60_000);
  const ids = resources.map((r) => r.id);
  const [overrides, blackouts, busy] = await Promise.all([
    overridesOf(em, ids, from, to),
    blackoutSpans(em, ids, new Date(rangeStart), new Date(rangeEnd)),
    busySpans(em, ids, busyFrom, busyTo, excludeBookingId),
  ]);
  return resources.map((resource) => ({
    id: resource.id,
    query: {
      service: engineService,
      timeZone: tenant.timeZone,
      weeklyWindows: resource.weeklyPattern,
      overrides: new Map(
        overrides.filter((o) => o.resourceId === resource.id).map((o) => [o.date, o.windows]),
      ),
      blackouts: blackouts.filter((b) => b.resourceId === null || b.resourceId === resource.id),
      busy: busy.filter((b) => b.resourceId === resource.id),
      now,
      from,
      to,
    },
  }));
}

/** The same for one resource. */
export async function loadSlotQuery(
  em: EntityManager,
  tenant: Tenant,
  service: BookableService,
  resource: ResourceHours,
  range: { from: string; to: string; now: number },
  excludeBookingId?: string,
): Promise<SlotQuery> {
  const [member] = await loadSlotQueries(em, tenant, service, [resource], range, excludeBookingId);
  return (member as MemberQuery).query;
}

/**
 * Orders a start's pool members by the service's policy (domain.md, "Pools"): the same data
 * and clock give the same order. `lastAssigned`: when each member last took a booking of the
 * service (ROUND_ROBIN).
 */
export function policyOrder(
  policy: AssignmentPolicy,
  members: readonly MemberQuery[],
  timeZone: string,
  lastAssigned: ReadonlyMap<string, number>,
) {
  const position = new Map(members.map((m, i) => [m.id, i]));
  // Occupancies per member and local date, counted once from the data loaded for the engine.
  const perDay = new Map<string, number>();
  for (const m of members) {
    for (const busy of m.query.busy) {
      const key = `${m.id} ${localDateOf(busy.startsAt, timeZone)}`;
      perDay.set(key, (perDay.get(key) ?? 0) + 1);
    }
  }
  const byPosition = (a: string, b: string) => (position.get(a) ?? 0) - (position.get(b) ?? 0);
  return (ids: string[], _start: number, date: string): string[] => {
    const sorted = [...ids];
    if (policy === AssignmentPolicy.PRIORITY) return sorted.sort(byPosition);
    if (policy === AssignmentPolicy.ROUND_ROBIN) {
      const last = (id: string) => lastAssigned.get(id) ?? Number.NEGATIVE_INFINITY;
      return sorted.sort((a, b) => last(a) - last(b) || (a < b ? -1 : a > b ? 1 : 0));
    }
    const count = (id: string) => perDay.get(`${id} ${date}`) ?? 0;
    return sorted.sort((a, b) => count(a) - count(b) || byPosition(a, b));
  };
}

/** Public: the free slots of an active service over local dates from..to (inclusive). */
export async function slots(
  ctx: RequestContext,
  serviceId: string,
  from: string,
  to: string,
  resourceId: string | null = null,
): Promise<PoolSlot[]> {
  checkLocalDateRange(from, to, MAX_SLOT_RANGE_DAYS);
  const tenant = requireTenant(ctx);
  const bookable = isId(serviceId) ? await findBookableService(ctx.em, serviceId) : null;
  if (!bookable) {
    throw new ApiError('NOT_FOUND', `No active service ${serviceId}`, { field: ['serviceId'] });
  }
  const pool = resourceId ? bookable.pool.filter((r) => r.id === resourceId) : bookable.pool;
  if (pool.length === 0) {
    throw new ApiError('NOT_FOUND', `No resource ${resourceId} in the pool of this service`, {
      field: ['resourceId'],
    });
  }
  const range = { from, to, now: ctx.now() };
  const every = [...pool, ...bookable.requirements.flat()];
  const [loaded, lastAssigned] = await Promise.all([
    loadSlotQueries(ctx.em, tenant, bookable.service, every, range),
    bookable.service.assignment === AssignmentPolicy.ROUND_ROBIN && pool.length > 1
      ? lastAssignments(ctx.em, serviceId)
      : new Map<string, number>(),
  ]);
  const members = loaded.slice(0, pool.length);
  let at = pool.length;
  const requirements = bookable.requirements.map((list) => {
    const part = loaded.slice(at, at + list.length);
    at += list.length;
    return part;
  });
  const order = policyOrder(bookable.service.assignment, members, tenant.timeZone, lastAssigned);
  const result = computePoolSlots(members, requirements, order);
  // Time changes the answer too.
  const first = members[0]?.query as SlotQuery;
  ctx.cache.holds(first.now, unchangedUntil(first, result));
  return result;
}
