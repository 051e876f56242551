import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { DateOverride } from '../availability/date-override.entity.js';
import type { Resource } from '../catalog/resource.entity.js';
import { anyOf, db, idList, prepare, rows, tenantOf } from '../db/sql.js';
import type { BusySpan, Span } from './slot-engine.js';

// The slot engine's inputs as plain rows (hydrating entities cost the most), on `em`.

/** What the engine needs of a resource: which one, and its weekly opening pattern. */
export type ResourceHours = Pick<Resource, 'id' | 'weeklyPattern'>;

/** An instant column as epoch milliseconds, which the engine compares. */
const epochMs = (column: string) =>
  sql<number>`(extract(epoch from ${sql.ref(column)}) * 1000)::float8`;

/** A service with its pool and requirements, in priority order; `activeOnly`: what can be booked. */
const servicePool = (activeOnly: boolean) =>
  prepare((a: { tenantId: string; serviceId: string }) => {
    const q = db
      .selectFrom('service as s')
      .innerJoin('service_resource as sr', 'sr.service_id', 's.id')
      .innerJoin('resource as r', 'r.id', 'sr.resource_id')
      .select([
        's.id',
        's.name',
        's.duration_minutes as durationMinutes',
        's.slot_interval_minutes as slotIntervalMinutes',
        's.buffer_before_minutes as bufferBeforeMinutes',
        's.buffer_after_minutes as bufferAfterMinutes',
        's.capacity',
        's.requires_confirmation as requiresConfirmation',
        's.minimum_notice_minutes as minimumNoticeMinutes',
        's.max_advance_days as maxAdvanceDays',
        's.assignment',
        // Requirements whatever their resources' state: one with none in service blocks booking.
        sql<number>`(select coalesce(max(x.requirement), 0) from service_resource x where x.service_id = s.id)::int`.as(
          'requirementCount',
        ),
        'sr.requirement',
        'sr.label',
        'r.id as resourceId',
        'r.weekly_pattern as weeklyPattern',
      ])
      .where('s.tenant_id', '=', a.tenantId)
      .where('s.id', '=', a.serviceId)
      .orderBy('sr.requirement')
      .orderBy('sr.position');
    return activeOnly ? q.where('s.active', '=', true).where('r.active', '=', true) : q;
  });
const bookableService = servicePool(true);
const anyServicePool = servicePool(false);

/**
 * An active service whose pool, and each requirement, has a resource in service: the service,
 * and those resources with their weekly patterns, in priority order; null when none. With
 * `activeOnly` false, the service and every resource whatever their state (a booking's move).
 */
export async function findBookableService(em: EntityManager, serviceId: string, activeOnly = true) {
  const statement = activeOnly ? bookableService : anyServicePool;
  const found = await rows(em, statement({ tenantId: tenantOf(em), serviceId }));
  const [first] = found;
  if (!first) return null;
  const {
    slotIntervalMinutes,
    requirementCount,
    requirement: _r,
    label: _l,
    resourceId: _id,
    weeklyPattern: _w,
    ...service
  } = first;
  const lists: ResourceHours[][] = [];
  const labels: string[] = [];
  for (const row of found) {
    if (row.requirement > 0) labels[row.requirement - 1] = row.label ?? '';
    lists[row.requirement] ??= [];
    lists[row.requirement]?.push({ id: row.resourceId, weeklyPattern: row.weeklyPattern });
  }
  const [pool = [], ...requirements] = lists;
  // A requirement with no resource in service, like an empty pool, leaves nothing bookable.
  if (
    pool.length === 0 ||
    requirements.length !== requirementCount ||
    requirements.some((r) => !r)
  ) {
    return null;
  }
  return {
    service: { ...service, slotIntervalMinutes: slotIntervalMinutes ?? service.durationMinutes },
    pool,
    requirements,
    labels,
  };
}

/** A bookable service with its pool and requirements. */
export type Bookable = NonNullable<Awaited<ReturnType<typeof findBookableService>>>;

/** What booking and slot computing need of a service, with its interval resolved. */
export type BookableService = NonNullable<
  Awaited<ReturnType<typeof findBookableService>>
>['service'];

interface Range {
  tenantId: string;
  ids: string;
  start: Date;
  end: Date;
}

const overrides = prepare((a: { tenantId: string; ids: string; from: string; to: string }) =>
  db
    .selectFrom('date_override')
    .select([
      'resource_id as resourceId',
      sql<string>`to_char(date, 'YYYY-MM-DD')`.as('date'),
      'windows',
    ])
    .where('tenant_id', '=', a.tenantId)
    .where(anyOf('resource_id', a.ids))
    .where('date', '>=', a.from)
    .where('date', '<=', a.to),
);

/** The resources' date overrides on local dates from..to. */
export function overridesOf(
  em: EntityManager,
  resourceIds: readonly string[],
  from: string,
  to: string,
): Promise<Array<Pick<DateOverride, 'date' | 'windows'> & { resourceId: string }>> {
  return rows(em, overrides({ tenantId: tenantOf(em), ids: idList(resourceIds), from, to }));
}

const blackouts = prepare((a: Range) =>
  db
    .selectFrom('blackout')
    .select([
      'resource_id as resourceId',
      epochMs('starts_at').as('start'),
      epochMs('ends_at').as('end'),
    ])
    .where('tenant_id', '=', a.tenantId)
    .where((w) => w.or([anyOf('resource_id', a.ids), w('resource_id', 'is', null)]))
    .where('starts_at', '<', a.end)
    .where('ends_at', '>', a.start),
);

/** Blackouts of the resources (resourceId), and tenant-wide ones (null), that overlap [start, end). */
export function blackoutSpans(
  em: EntityManager,
  resourceIds: readonly string[],
  start: Date,
  end: Date,
): Promise<Array<Span & { resourceId: string | null }>> {
  return rows(em, blackouts({ tenantId: tenantOf(em), ids: idList(resourceIds), start, end }));
}

/** The resources' occupancies (their own bookings', and those that need them besides). */
const busyQuery = (a: Range) =>
  db
    .selectFrom('booking_resource as o')
    .innerJoin('booking as b', 'b.id', 'o.booking_id')
    .select([
      'o.resource_id as resourceId',
      epochMs('o.occupied_start').as('start'),
      epochMs('o.occupied_end').as('end'),
      epochMs('b.starts_at').as('startsAt'),
      'b.seats',
      'b.service_id as serviceId',
    ])
    .where('o.tenant_id', '=', a.tenantId)
    .where(anyOf('o.resource_id', a.ids))
    .where('o.active', '=', true)
    .where('o.occupied_start', '<', a.end)
    .where('o.occupied_end', '>', a.start);
const busy = prepare(busyQuery);
const busyBut = prepare((a: Range & { bookingId: string }) =>
  busyQuery(a).where('o.booking_id', '!=', a.bookingId),
);

/** Active occupancies of the resources whose spans overlap [start, end). */
export function busySpans(
  em: EntityManager,
  resourceIds: readonly string[],
  start: Date,
  end: Date,
  excludeBookingId: string | undefined,
): Promise<Array<BusySpan & { resourceId: string }>> {
  const range = { tenantId: tenantOf(em), ids: idList(resourceIds), start, end };
  return rows(
    em,
    excludeBookingId ? busyBut({ ...range, bookingId: excludeBookingId }) : busy(range),
  );
}

/** When each resource last took a booking of the service (its creation, epoch ms). */
export async function lastAssignments(
  em: EntityManager,
  serviceId: string,
): Promise<Map<string, number>> {
  const found = await rows(
    em,
    db
      .selectFrom('booking')
      .select([
        'resource_id as resourceId',
        sql<number>`(extract(epoch from max(created_at)) * 1000)::float8`.as('at'),
      ])
      .where('tenant_id', '=', tenantOf(em))
      .where('service_id', '=', serviceId)
      .groupBy('resource_id'),
  );
  return new Map(found.map((r) => [r.resourceId, r.at]));
}
