import type { EntityKey, FilterQuery } from '@mikro-orm/core';
import type { EntityManager, QBFilterQuery } from '@mikro-orm/postgresql';
import { Booking, type BookingView } from './booking.entity.js';

/**
 * The bookings' store: every statement on the booking table that the unit of work does not
 * write, typed by the entity.
 */

/** A position in the listing's order: after this start, then this id. */
export interface Keyset {
  startsAt: Date;
  id: string;
}

const asDate = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));

/** The instants of a booking, which plain rows may carry as text. */
const DATE_FIELDS = new Set<EntityKey<Booking>>([
  'createdAt',
  'updatedAt',
  'startsAt',
  'endsAt',
  'occupiedStart',
  'occupiedEnd',
  'cancelledAt',
]);

/**
 * Up to `limit` of the tenant's bookings that match `where`, in start order then id, after
 * `after`: plain rows of `fields` (no entities, no identity map), instants as Dates, the
 * service and resource as their ids. A QueryBuilder gets the tenant filter only through
 * applyFilters(). The listing's pages and the export's batches read this way.
 */
export async function bookingRows<const F extends EntityKey<Booking>>(
  em: EntityManager,
  where: FilterQuery<Booking>,
  fields: readonly F[],
  after: Keyset | null,
  limit: number,
): Promise<Array<Record<F, unknown>>> {
  const qb = em
    .createQueryBuilder(Booking, 'b')
    .select([...fields])
    .where(where as QBFilterQuery<Booking, 'b'>)
    .orderBy({ startsAt: 'asc', id: 'asc' })
    .limit(limit);
  // A row comparison, which the (tenant, starts_at, id) index answers by a range scan from
  // the cursor; the same condition spelt with OR scans from the tenant's first booking.
  if (after) qb.andWhere('(b.starts_at, b.id) > (?, ?::uuid)', [after.startsAt, after.id]);
  await qb.applyFilters();
  const rows = await qb.execute<Array<Record<F, unknown>>>('all', true);
  const dates = fields.filter((field) => DATE_FIELDS.has(field));
  for (const row of rows) {
    for (const field of dates) if (row[field] !== null) row[field] = asDate(row[field]);
  }
  return rows;
}

/** The fields the API shows of a booking (its `Booking` type), the service and resource by id. */
export const LISTED_FIELDS = [
  'id',
  'createdAt',
  'updatedAt',
  'reference',
  'service',
  'resource',
  'startsAt',
  'endsAt',
  'status',
  'seats',
  'customerName',
  'customerEmail',
  'customerPhone',
  'notes',
  'cancelledAt',
  'cancellationReason',
] as const;

/** A booking as the listing reads it: what the API shows, the service and resource by id. */
export type ListedBooking = Pick<BookingView, (typeof LISTED_FIELDS)[number]>;
