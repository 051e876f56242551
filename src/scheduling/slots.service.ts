import type { EntityManager } from '@mikro-orm/postgresql';
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
  overridesOf,
  type ResourceHours,
} from './slot.store.js';
import {
  computeSlots,
  type EngineService,
  type Slot,
  type SlotQuery,
  unchangedUntil,
} from './slot-engine.js';
import { addDays, startOfLocalDay } from './zone-time.js';

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
 * What the engine needs for `service` over local dates from..to, in three statements on `em`;
 * without the booking `excludeBookingId` (the one being moved).
 */
export async function loadSlotQuery(
  em: EntityManager,
  tenant: Tenant,
  service: BookableService,
  resource: ResourceHours,
  range: { from: string; to: string; now: number },
  excludeBookingId?: string,
): Promise<SlotQuery> {
  const { from, to, now } = range;
  const engineService = engineServiceOf(service, tenant);
  // A clock change can push the last date's window past midnight: up to the end of the next day.
  const rangeStart = startOfLocalDay(from, tenant.timeZone);
  const rangeEnd = startOfLocalDay(addDays(to, 2), tenant.timeZone);
  const busyFrom = new Date(rangeStart - engineService.bufferBeforeMinutes * 60_000);
  const busyTo = new Date(rangeEnd + engineService.bufferAfterMinutes * 60_000);

  const [overrides, blackouts, busy] = await Promise.all([
    overridesOf(em, resource.id, from, to),
    blackoutSpans(em, resource.id, new Date(rangeStart), new Date(rangeEnd)),
    busySpans(em, resource.id, busyFrom, busyTo, excludeBookingId),
  ]);
  return {
    service: engineService,
    timeZone: tenant.timeZone,
    weeklyWindows: resource.weeklyPattern,
    overrides: new Map(overrides.map((o) => [o.date, o.windows])),
    blackouts,
    busy,
    now,
    from,
    to,
  };
}

/** Public: the free slots of an active service over local dates from..to (inclusive). */
export async function slots(
  ctx: RequestContext,
  serviceId: string,
  from: string,
  to: string,
): Promise<Slot[]> {
  checkLocalDateRange(from, to, MAX_SLOT_RANGE_DAYS);
  const tenant = requireTenant(ctx);
  const bookable = isId(serviceId) ? await findBookableService(ctx.em, serviceId) : null;
  if (!bookable) {
    throw new ApiError('NOT_FOUND', `No active service ${serviceId}`, { field: ['serviceId'] });
  }
  const query = await loadSlotQuery(ctx.em, tenant, bookable.service, bookable.resource, {
    from,
    to,
    now: ctx.now(),
  });
  const result = computeSlots(query);
  // Time changes the answer too.
  ctx.cache.holds(query.now, unchangedUntil(query, result));
  return result;
}
