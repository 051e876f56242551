import type { FilterQuery } from '@mikro-orm/core';
import type { RequestContext } from '../context/request-context.js';
import { badArgument } from '../shared/errors.js';
import { checkArgs, isId, pageSize } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { Booking } from './booking.entity.js';
import { bookingRows, type Keyset, LISTED_FIELDS, listedOf } from './booking.store.js';
import {
  type BookingConnection,
  BookingEdge,
  type BookingFilter,
  PageInfo,
} from './booking.types.js';

const MAX_PAGE_SIZE = 200;

/** A position in the listing's order (start time, then id), opaque to clients. */
function encodeCursor(booking: Pick<Booking, 'startsAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([booking.startsAt.toISOString(), booking.id])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): Keyset | null {
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

/** The (checked) filter of `bookings` and `bookingsCsv` as a query on the tenant's bookings. */
export function bookingWhere(filter: BookingFilter | null | undefined): FilterQuery<Booking> {
  const where: FilterQuery<Booking> & Record<string, unknown> = {};
  if (!filter) return where;
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
    const pattern = likePattern(search);
    where.$or = [
      { reference: { $ilike: pattern } },
      { customerName: { $ilike: pattern } },
      { customerEmail: { $ilike: pattern } },
    ];
  }
  return where;
}

/** ADMIN, PARTNER: a page of bookings in start order (then id) after `after`, and the total. */
export async function listBookings(
  ctx: RequestContext,
  filter: BookingFilter | null | undefined,
  first: number,
  after: string | null | undefined,
): Promise<BookingConnection> {
  requireTenant(ctx);
  pageSize(first, MAX_PAGE_SIZE);
  if (filter) await checkArgs(filter, ['filter']);
  const where = bookingWhere(filter);
  const cursor = after ? decodeCursor(after) : null;
  if (after && !cursor) {
    throw badArgument(['after'], 'after is not a cursor this listing gave out');
  }
  const [rows, totalCount] = await Promise.all([
    bookingRows(ctx.em, where, LISTED_FIELDS, cursor, first + 1),
    ctx.em.count(Booking, where),
  ]);
  const edges = listedOf(rows.slice(0, first)).map((node) =>
    Object.assign(new BookingEdge(), { cursor: encodeCursor(node), node }),
  );
  return {
    edges,
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: rows.length > first,
      endCursor: edges.at(-1)?.cursor ?? null,
    }),
    totalCount,
  };
}
