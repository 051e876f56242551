import { Field, Int, ObjectType } from 'type-graphql';
import { staffScope } from '../access/scope.js';
import type { RequestContext } from '../context/request-context.js';
import { badArgument } from '../shared/errors.js';
import { checkArgs, isId, pageSize } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { Booking } from './booking.entity.js';
import { bookingRows, countBookings, type Keyset, type ListedBooking } from './booking.store.js';
import type { BookingFilter } from './booking.types.js';

const MAX_PAGE_SIZE = 200;

@ObjectType()
export class BookingEdge {
  @Field()
  cursor!: string;

  @Field(() => Booking)
  node!: ListedBooking;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType()
export class BookingConnection {
  @Field(() => [BookingEdge])
  edges!: BookingEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

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

/** ADMIN, PARTNER, STAFF (their resources): a page of bookings in start order (then id) after `after`, and the total. */
export async function listBookings(
  ctx: RequestContext,
  filter: BookingFilter | null | undefined,
  first: number,
  after: string | null | undefined,
): Promise<BookingConnection> {
  requireTenant(ctx);
  pageSize(first, MAX_PAGE_SIZE);
  if (filter) await checkArgs(filter, ['filter']);
  const cursor = after ? decodeCursor(after) : null;
  if (after && !cursor) {
    throw badArgument(['after'], 'after is not a cursor this listing gave out');
  }
  const selection = { filter, resourceIds: staffScope(ctx) };
  const [rows, totalCount] = await Promise.all([
    bookingRows(ctx.em, selection, cursor, first + 1),
    countBookings(ctx.em, selection),
  ]);
  const edges = rows
    .slice(0, first)
    .map((node) => Object.assign(new BookingEdge(), { cursor: encodeCursor(node), node }));
  return {
    edges,
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: rows.length > first,
      endCursor: edges.at(-1)?.cursor ?? null,
    }),
    totalCount,
  };
}
