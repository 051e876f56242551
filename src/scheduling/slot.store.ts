import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Blackout } from '../availability/blackout.entity.js';
import { DateOverride } from '../availability/date-override.entity.js';
import { Booking } from '../bookings/booking.entity.js';
import { ACTIVE_STATUSES } from '../bookings/booking-status.js';
import type { Resource } from '../catalog/resource.entity.js';
import { Service } from '../catalog/service.entity.js';
import type { BusySpan, Span } from './slot-engine.js';

// The slot engine's inputs as plain rows (hydrating entities cost the most), on `em`.

/** What booking and slot computing need of a service, with its interval resolved. */
export type BookableService = Pick<
  Service,
  | 'id'
  | 'name'
  | 'durationMinutes'
  | 'slotIntervalMinutes'
  | 'bufferBeforeMinutes'
  | 'bufferAfterMinutes'
  | 'capacity'
  | 'requiresConfirmation'
  | 'minimumNoticeMinutes'
  | 'maxAdvanceDays'
>;

/** What the engine needs of a resource: which one, and its weekly opening pattern. */
export type ResourceHours = Pick<Resource, 'id' | 'weeklyPattern'>;

const epochMs = (column: string, as: string) =>
  raw(`(extract(epoch from ${column}) * 1000)::float8 as "${as}"`);

/** An active service with its resource's weekly pattern, in one statement; null when none. */
export async function findBookableService(
  em: EntityManager,
  serviceId: string,
): Promise<{ service: BookableService; resource: ResourceHours } | null> {
  const qb = em
    .createQueryBuilder(Service, 's')
    .select([
      'id',
      'name',
      'durationMinutes',
      'slotIntervalOverride',
      'bufferBeforeMinutes',
      'bufferAfterMinutes',
      'capacity',
      'requiresConfirmation',
      'minimumNoticeMinutes',
      'maxAdvanceDays',
      'resource',
    ])
    .addSelect(raw('r.weekly_pattern as "weeklyPattern"'))
    .join('s.resource', 'r')
    .where({ id: serviceId, active: true });
  await qb.applyFilters();
  const row = (await qb.execute('get', true)) as
    | (Omit<BookableService, 'slotIntervalMinutes'> &
        Pick<Service, 'slotIntervalOverride'> & { resource: string } & Pick<
          Resource,
          'weeklyPattern'
        >)
    | null;
  if (!row) return null;
  const { slotIntervalOverride, resource, weeklyPattern, ...service } = row;
  return {
    service: { ...service, slotIntervalMinutes: slotIntervalOverride ?? service.durationMinutes },
    resource: { id: resource, weeklyPattern },
  };
}

/** The resource's date overrides on local dates from..to. */
export async function overridesOf(
  em: EntityManager,
  resourceId: string,
  from: string,
  to: string,
): Promise<Array<Pick<DateOverride, 'date' | 'windows'>>> {
  const qb = em
    .createQueryBuilder(DateOverride, 'o')
    .select([raw(`to_char(o.date, 'YYYY-MM-DD') as "date"`), 'windows'])
    .where({ resource: resourceId, date: { $gte: from, $lte: to } });
  await qb.applyFilters();
  return qb.execute('all', true);
}

/** Blackouts of the resource, and tenant-wide ones, that overlap [start, end). */
export async function blackoutSpans(
  em: EntityManager,
  resourceId: string,
  start: Date,
  end: Date,
): Promise<Span[]> {
  const qb = em
    .createQueryBuilder(Blackout, 'x')
    .select([epochMs('x.starts_at', 'start'), epochMs('x.ends_at', 'end')])
    .where({
      $or: [{ resource: resourceId }, { resource: null }],
      startsAt: { $lt: end },
      endsAt: { $gt: start },
    });
  await qb.applyFilters();
  return qb.execute('all', false);
}

/** Active bookings on the resource whose occupied spans overlap [start, end). */
export async function busySpans(
  em: EntityManager,
  resourceId: string,
  start: Date,
  end: Date,
  excludeBookingId: string | undefined,
): Promise<BusySpan[]> {
  const qb = em
    .createQueryBuilder(Booking, 'b')
    .select([
      epochMs('b.occupied_start', 'start'),
      epochMs('b.occupied_end', 'end'),
      epochMs('b.starts_at', 'startsAt'),
      'seats',
      raw('b.service_id as "serviceId"'),
    ])
    .where({
      resource: resourceId,
      status: { $in: ACTIVE_STATUSES },
      occupiedStart: { $lt: end },
      occupiedEnd: { $gt: start },
      ...(excludeBookingId ? { id: { $ne: excludeBookingId } } : {}),
    });
  await qb.applyFilters();
  return qb.execute('all', false);
}
