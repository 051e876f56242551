import type { EntityKey, FilterQuery } from '@mikro-orm/core';
import type { EntityManager, QBFilterQuery } from '@mikro-orm/postgresql';
import type { RequestContext } from '../http/context.js';
import { badArgument } from '../shared/errors.js';
import { isId } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { Booking, type BookingView } from './booking.entity.js';
import {
  type BookingConnection,
  BookingEdge,
  type BookingFilter,
  PageInfo,
} from './booking.types.js';

export const MAX_PAGE_SIZE = 200;

/** A position in the listing's order (start time, then id), opaque to clients. */
export function encodeCursor(booking: Pick<Booking, 'startsAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([booking.startsAt.toISOString(), booking.id])).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string): Keyset | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [iso, id] = value;
    const startsAt = new Date(String(iso));
    if (Number.isNaN(startsAt.getTime()) || typeof id !== 'string' || !isId(id)) return null;
    return { startsAt, id };
  } catch {
    return null;
  }
}

/** Escapes LIKE wildcards so that a search for "50%" means those characters. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The filter of `bookings` and `bookingsCsv` as a query on the tenant's bookings. */
export function bookingWhere(filter: BookingFilter | null | undefined): FilterQuery<Booking> {
  const where: FilterQuery<Booking> & Record<string, unknown> = {};
  if (!filter) return where;
  if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime()) {
    throw badArgument(['filter', 'to'], 'filter.to must be after filter.from');
  }
  if (filter.from || filter.to) {
    where.startsAt = {
      ...(filter.from ? { $gte: filter.from } : {}),
      ...(filter.to ? { $lt: filter.to } : {}),
    };
  }
  if (filter.statuses) where.status = { $in: filter.statuses };
  if (filter.serviceIds) where.service = { $in: filter.serviceIds.filter(isId) };
  const search = filter.search?.trim();
  if (search) {
    if (search.length > 200)
      throw badArgument(['filter', 'search'], 'filter.search must be at most 200 characters');
    const pattern = likePattern(search);
    where.$or = [
      { reference: { $ilike: pattern } },
      { customerName: { $ilike: pattern } },
      { customerEmail: { $ilike: pattern } },
    ];
  }
  return where;
}

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
const LISTED_FIELDS = [
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

/**
 * ADMIN, PARTNER: bookings in start order (then id), a page after `after`, with the total
 * that match the filter. Two statements: the page and the count. The page is plain rows:
 * hydrating 100 entities into the unit of work was most of an uncached listing's cost
 * (docs/PERFORMANCE.md).
 */
export async function listBookings(
  ctx: RequestContext,
  filter: BookingFilter | null | undefined,
  first: number,
  after: string | null | undefined,
): Promise<BookingConnection> {
  requireTenant(ctx);
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badArgument(['first'], `first must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  const where = bookingWhere(filter);
  const cursor = after ? decodeCursor(after) : null;
  if (after && !cursor) {
    throw badArgument(['after'], 'after is not a cursor this listing gave out');
  }
  const [rows, totalCount] = await Promise.all([
    bookingRows(ctx.em, where, LISTED_FIELDS, cursor, first + 1),
    ctx.em.count(Booking, where),
  ]);
  const edges = rows.slice(0, first).map((row) => {
    const node = {
      ...row,
      service: { id: row.service as string },
      resource: { id: row.resource as string },
    } as ListedBooking;
    return Object.assign(new BookingEdge(), { cursor: encodeCursor(node), node });
  });
  return {
    edges,
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: rows.length > first,
      endCursor: edges.at(-1)?.cursor ?? null,
    }),
    totalCount,
  };
}
