import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { DateOverride } from '../availability/date-override.entity.js';
import { ACTIVE_STATUSES } from '../bookings/booking-status.js';
import type { Resource } from '../catalog/resource.entity.js';
import { db, prepare, rows, tenantOf } from '../db/sql.js';
import type { BusySpan, Span } from './slot-engine.js';

// The slot engine's inputs as plain rows (hydrating entities cost the most), on `em`.

/** What the engine needs of a resource: which one, and its weekly opening pattern. */
export type ResourceHours = Pick<Resource, 'id' | 'weeklyPattern'>;

/** An instant column as epoch milliseconds, which the engine compares. */
const epochMs = (column: string) =>
  sql<number>`(extract(epoch from ${sql.ref(column)}) * 1000)::float8`;

const bookableService = prepare((a: { tenantId: string; serviceId: string }) =>
  db
    .selectFrom('service as s')
    .innerJoin('resource as r', 'r.id', 's.resource_id')
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
      's.resource_id as resource',
      'r.weekly_pattern as weeklyPattern',
    ])
    .where('s.tenant_id', '=', a.tenantId)
    .where('s.id', '=', a.serviceId)
    .where('s.active', '=', true)
    .where('r.active', '=', true),
);

/** An active service of a resource in service, with its weekly pattern; null when none. */
export async function findBookableService(em: EntityManager, serviceId: string) {
  const [found] = await rows(em, bookableService({ tenantId: tenantOf(em), serviceId }));
  if (!found) return null;
  const { slotIntervalMinutes, resource, weeklyPattern, ...service } = found;
  return {
    service: { ...service, slotIntervalMinutes: slotIntervalMinutes ?? service.durationMinutes },
    resource: { id: resource, weeklyPattern } satisfies ResourceHours,
  };
}

/** What booking and slot computing need of a service, with its interval resolved. */
export type BookableService = NonNullable<
  Awaited<ReturnType<typeof findBookableService>>
>['service'];

interface Range {
  tenantId: string;
  resourceId: string;
  start: Date;
  end: Date;
}

const overrides = prepare((a: { tenantId: string; resourceId: string; from: string; to: string }) =>
  db
    .selectFrom('date_override')
    .select([sql<string>`to_char(date, 'YYYY-MM-DD')`.as('date'), 'windows'])
    .where('tenant_id', '=', a.tenantId)
    .where('resource_id', '=', a.resourceId)
    .where('date', '>=', a.from)
    .where('date', '<=', a.to),
);

/** The resource's date overrides on local dates from..to. */
export function overridesOf(
  em: EntityManager,
  resourceId: string,
  from: string,
  to: string,
): Promise<Array<Pick<DateOverride, 'date' | 'windows'>>> {
  return rows(em, overrides({ tenantId: tenantOf(em), resourceId, from, to }));
}

const blackouts = prepare((a: Range) =>
  db
    .selectFrom('blackout')
    .select([epochMs('starts_at').as('start'), epochMs('ends_at').as('end')])
    .where('tenant_id', '=', a.tenantId)
    .where((w) => w.or([w('resource_id', '=', a.resourceId), w('resource_id', 'is', null)]))
    .where('starts_at', '<', a.end)
    .where('ends_at', '>', a.start),
);

/** Blackouts of the resource, and tenant-wide ones, that overlap [start, end). */
export function blackoutSpans(
  em: EntityManager,
  resourceId: string,
  start: Date,
  end: Date,
): Promise<Span[]> {
  return rows(em, blackouts({ tenantId: tenantOf(em), resourceId, start, end }));
}

const busyQuery = (a: Range) =>
  db
    .selectFrom('booking')
    .select([
      epochMs('occupied_start').as('start'),
      epochMs('occupied_end').as('end'),
      epochMs('starts_at').as('startsAt'),
      'seats',
      'service_id as serviceId',
    ])
    .where('tenant_id', '=', a.tenantId)
    .where('resource_id', '=', a.resourceId)
    .where('status', 'in', ACTIVE_STATUSES)
    .where('occupied_start', '<', a.end)
    .where('occupied_end', '>', a.start);
const busy = prepare(busyQuery);
const busyBut = prepare((a: Range & { bookingId: string }) =>
  busyQuery(a).where('id', '!=', a.bookingId),
);

/** Active bookings on the resource whose occupied spans overlap [start, end). */
export function busySpans(
  em: EntityManager,
  resourceId: string,
  start: Date,
  end: Date,
  excludeBookingId: string | undefined,
): Promise<BusySpan[]> {
  const range = { tenantId: tenantOf(em), resourceId, start, end };
  return rows(
    em,
    excludeBookingId ? busyBut({ ...range, bookingId: excludeBookingId }) : busy(range),
  );
}
