import { type EntityKey, type FilterQuery, LockMode } from '@mikro-orm/core';
import type { EntityManager, QBFilterQuery } from '@mikro-orm/postgresql';
import { Resource } from '../catalog/resource.entity.js';
import type { ResourceHours } from '../scheduling/slot.store.js';
import { Booking, type BookingView } from './booking.entity.js';

// Every write to the booking table and the reads the unit of work does not do, on `em`.

/** A position in the listing's order: after this start, then this id. */
export interface Keyset {
  startsAt: Date;
  id: string;
}

/** A row with its relations as ids, as the QueryBuilder maps it, made a view (refs by id). */
function viewOf(row: Record<string, unknown>): BookingView {
  return {
    ...row,
    tenant: { id: row.tenant as string },
    service: { id: row.service as string },
    resource: { id: row.resource as string },
  } as BookingView;
}

/** Plain rows of `fields` matching `where` after `after`, in start order then id. */
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
  // A row comparison: the (tenant, starts_at, id) index answers it by a range scan from the cursor.
  if (after) qb.andWhere('(b.starts_at, b.id) > (?, ?::uuid)', [after.startsAt, after.id]);
  await qb.applyFilters();
  return qb.execute<Array<Record<F, unknown>>>('all', true);
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

/** Listed rows as views: the service and resource as references by id. */
export function listedOf(rows: Array<Record<(typeof LISTED_FIELDS)[number], unknown>>) {
  return rows.map((row) => viewOf(row) as ListedBooking);
}

/** Locks the resource's row, where bookings on it queue, and returns its hours as committed now. */
export async function lockResourceHours(
  tx: EntityManager,
  resourceId: string,
): Promise<ResourceHours> {
  const qb = tx
    .createQueryBuilder(Resource, 'r')
    .select(['id', 'weeklyPattern'])
    .where({ id: resourceId })
    .setLockMode(LockMode.PESSIMISTIC_WRITE);
  await qb.applyFilters();
  const row = await qb.execute<ResourceHours | null>('get', true);
  if (!row) throw new Error(`resource ${resourceId} missing`);
  return row;
}

/** The booking, locked for a change (SELECT ... FOR UPDATE) in `tx`'s transaction. */
export async function lockBooking(tx: EntityManager, id: string): Promise<BookingView | null> {
  const qb = tx
    .createQueryBuilder(Booking, 'b')
    .select('*')
    .where({ id })
    .setLockMode(LockMode.PESSIMISTIC_WRITE);
  await qb.applyFilters();
  const row = await qb.execute<Record<string, unknown> | null>('get', true);
  return row && viewOf(row);
}

/** Writes a new booking's row. */
export async function insertBooking(tx: EntityManager, booking: BookingView): Promise<void> {
  await tx
    .createQueryBuilder(Booking)
    .insert({
      ...booking,
      tenant: booking.tenant.id,
      service: booking.service.id,
      resource: booking.resource.id,
    })
    .execute('run');
}

/** Changes a booking's row; `changes` as the returned view shows them, `updatedAt` included. */
export async function updateBooking(
  tx: EntityManager,
  booking: BookingView,
  changes: Partial<Omit<BookingView, 'id' | 'tenant' | 'service' | 'resource'>>,
): Promise<BookingView> {
  const updatedAt = new Date();
  await tx.nativeUpdate(Booking, { id: booking.id }, { ...changes, updatedAt });
  return { ...booking, ...changes, updatedAt };
}
