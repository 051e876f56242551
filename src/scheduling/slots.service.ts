import type { EntityManager } from '@mikro-orm/postgresql';
import { Temporal } from 'temporal-polyfill';
import { ACTIVE_STATUSES } from '../bookings/booking-status.js';
import type { Resource } from '../catalog/resource.entity.js';
import type { RequestContext } from '../context/request-context.js';
import { ApiError, badArgument } from '../shared/errors.js';
import { isId } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import type { Tenant } from '../tenancy/tenant.entity.js';
import type { MinuteWindow, WeekdayWindow } from './local-time.js';
import {
  computeSlots,
  type EngineService,
  type Slot,
  type SlotQuery,
  unchangedUntil,
} from './slot-engine.js';
import { addDays, startOfLocalDay } from './zone-time.js';

/** Longest range of local dates one `slots` request may ask for. */
export const MAX_SLOT_RANGE_DAYS = 62;

/**
 * What booking and slot computing need of a service. A `Service` entity is one; a bookable
 * service read by `findBookableService` is a plain row of the same shape.
 */
export interface BookableService {
  id: string;
  name: string;
  durationMinutes: number;
  slotIntervalMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  capacity: number;
  requiresConfirmation: boolean;
  minimumNoticeMinutes: number | null;
  maxAdvanceDays: number | null;
}

export function engineServiceOf(service: BookableService, tenant: Tenant): EngineService {
  return {
    id: service.id,
    durationMinutes: service.durationMinutes,
    slotIntervalMinutes: service.slotIntervalMinutes,
    bufferBeforeMinutes: service.bufferBeforeMinutes,
    bufferAfterMinutes: service.bufferAfterMinutes,
    capacity: service.capacity,
    minimumNoticeMinutes: service.minimumNoticeMinutes ?? tenant.minimumNoticeMinutes,
    maxAdvanceDays: service.maxAdvanceDays ?? tenant.maxAdvanceDays,
  };
}

/** A booking's busy span, instants as epoch milliseconds (float8 arrives as a number). */
interface BusyRow {
  start: number;
  end: number;
  starts_at: number;
  seats: number;
  service_id: string;
}

interface OverrideRow {
  date: string;
  windows: MinuteWindow[];
}

interface SpanRow {
  start: number;
  end: number;
}

const EPOCH_MS = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;
/** The statuses that occupy time, as an SQL list (fixed enum values, built once). */
const ACTIVE_STATUSES_SQL = ACTIVE_STATUSES.map((status) => `'${status}'`).join(', ');

/** What the engine needs of a resource: which one, and its weekly opening pattern. */
export type ResourceHours = Pick<Resource, 'id' | 'weeklyPattern'>;

export interface LoadOptions {
  /** Leave this booking out of the busy spans (it is the one being moved). */
  excludeBookingId?: string;
}

/**
 * Everything the engine needs for `service` over local dates from..to, read in three
 * statements on `em` (the service arrives with its resource and weekly pattern, read in one
 * more): the date overrides, the blackouts (the resource's and tenant-wide), and the active
 * bookings on the resource. Takes an EntityManager so that createBooking can read inside its
 * transaction, after its lock.
 */
export async function loadSlotQuery(
  em: EntityManager,
  tenant: Tenant,
  service: BookableService,
  resource: ResourceHours,
  range: { from: string; to: string; now: number },
  options: LoadOptions = {},
): Promise<SlotQuery> {
  const { from, to, now } = range;
  const engineService = engineServiceOf(service, tenant);
  // The instants the windows of from..to can cover: a clock change can push the last date's
  // window past midnight into the next day (windowDatesOf), so up to the end of that day.
  const rangeStart = startOfLocalDay(from, tenant.timeZone);
  const rangeEnd = startOfLocalDay(addDays(to, 2), tenant.timeZone);
  const busyFrom = new Date(rangeStart - engineService.bufferBeforeMinutes * 60_000);
  const busyTo = new Date(rangeEnd + engineService.bufferAfterMinutes * 60_000);

  // Plain rows, not entities: the engine only reads them, and building queries and hydrating
  // entities into the unit of work was the largest cost of `slots` (docs/PERFORMANCE.md).
  // Raw SQL applies no filters, so the tenant is explicit in each statement.
  const connection = em.getConnection();
  const transaction = em.getTransactionContext();
  const [overrides, blackouts, bookings] = await Promise.all([
    connection.execute<OverrideRow[]>(
      `select to_char(date, 'YYYY-MM-DD') as date, windows
         from "date_override"
        where tenant_id = ?::uuid and resource_id = ?::uuid and date between ?::date and ?::date`,
      [tenant.id, resource.id, from, to],
      'all',
      transaction,
    ),
    connection.execute<SpanRow[]>(
      `select ${EPOCH_MS('starts_at')} as start, ${EPOCH_MS('ends_at')} as "end"
         from "blackout"
        where tenant_id = ?::uuid and (resource_id = ?::uuid or resource_id is null)
          and starts_at < ?::timestamptz and ends_at > ?::timestamptz`,
      [
        tenant.id,
        resource.id,
        new Date(rangeEnd).toISOString(),
        new Date(rangeStart).toISOString(),
      ],
      'all',
      transaction,
    ),
    connection.execute<BusyRow[]>(
      `select ${EPOCH_MS('occupied_start')} as start, ${EPOCH_MS('occupied_end')} as "end",
              ${EPOCH_MS('starts_at')} as starts_at, seats, service_id
         from "booking"
        where tenant_id = ?::uuid and resource_id = ?::uuid
          and status in (${ACTIVE_STATUSES_SQL})
          and occupied_start < ?::timestamptz and occupied_end > ?::timestamptz
          and id <> coalesce(?::uuid, '00000000-0000-0000-0000-000000000000'::uuid)`,
      [
        tenant.id,
        resource.id,
        busyTo.toISOString(),
        busyFrom.toISOString(),
        options.excludeBookingId ?? null,
      ],
      'all',
      transaction,
    ),
  ]);
  return {
    service: engineService,
    timeZone: tenant.timeZone,
    weeklyWindows: resource.weeklyPattern,
    overrides: new Map(overrides.map((o) => [o.date, o.windows])),
    blackouts,
    busy: bookings.map((b) => ({
      start: b.start,
      end: b.end,
      serviceId: b.service_id,
      startsAt: b.starts_at,
      seats: b.seats,
    })),
    now,
    from,
    to,
  };
}

interface BookableRow {
  id: string;
  name: string;
  duration_minutes: number;
  slot_interval_minutes: number;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  capacity: number;
  requires_confirmation: boolean;
  minimum_notice_minutes: number | null;
  max_advance_days: number | null;
  resource_id: string;
  weekly_pattern: WeekdayWindow[];
}

/**
 * An active service of the tenant with its resource's hours, in one statement, as plain
 * values (nothing here is changed, so nothing is tracked by the unit of work); null when
 * there is none. The tenant is explicit: raw SQL applies no filters.
 */
export async function findBookableService(
  ctx: RequestContext,
  serviceId: string,
): Promise<{ service: BookableService; resource: ResourceHours } | null> {
  const tenant = requireTenant(ctx);
  if (!isId(serviceId)) return null;
  const [row] = await ctx.em.getConnection().execute<BookableRow[]>(
    `select s.id, s.name, s.duration_minutes,
            coalesce(s.slot_interval_minutes, s.duration_minutes) as slot_interval_minutes,
            s.buffer_before_minutes, s.buffer_after_minutes, s.capacity, s.requires_confirmation,
            s.minimum_notice_minutes, s.max_advance_days, s.resource_id, r.weekly_pattern
       from "service" s join "resource" r on r.id = s.resource_id and r.tenant_id = s.tenant_id
      where s.tenant_id = ?::uuid and s.id = ?::uuid and s.active`,
    [tenant.id, serviceId],
    'all',
    ctx.em.getTransactionContext(),
  );
  if (!row) return null;
  return {
    service: {
      id: row.id,
      name: row.name,
      durationMinutes: row.duration_minutes,
      slotIntervalMinutes: row.slot_interval_minutes,
      bufferBeforeMinutes: row.buffer_before_minutes,
      bufferAfterMinutes: row.buffer_after_minutes,
      capacity: row.capacity,
      requiresConfirmation: row.requires_confirmation,
      minimumNoticeMinutes: row.minimum_notice_minutes,
      maxAdvanceDays: row.max_advance_days,
    },
    resource: { id: row.resource_id, weeklyPattern: row.weekly_pattern },
  };
}

/** Public: the free slots of an active service over local dates from..to (inclusive). */
export async function slots(
  ctx: RequestContext,
  serviceId: string,
  from: string,
  to: string,
): Promise<Slot[]> {
  if (from > to) throw badArgument(['to'], `to (${to}) must not be before from (${from})`);
  const days = Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to)).days + 1;
  if (days > MAX_SLOT_RANGE_DAYS) {
    throw badArgument(
      ['to'],
      `from..to may span at most ${MAX_SLOT_RANGE_DAYS} days (got ${days})`,
    );
  }
  const bookable = await findBookableService(ctx, serviceId);
  if (!bookable) {
    throw new ApiError('NOT_FOUND', `No active service ${serviceId}`, { field: ['serviceId'] });
  }
  const tenant = requireTenant(ctx);
  const query = await loadSlotQuery(ctx.em, tenant, bookable.service, bookable.resource, {
    from,
    to,
    now: ctx.now(),
  });
  const result = computeSlots(query);
  // Time changes the answer too: it holds from now until the first slot's notice passes, or
  // the next local midnight.
  ctx.cache.holds(query.now, unchangedUntil(query, result));
  return result;
}
