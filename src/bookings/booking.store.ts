import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type SelectQueryBuilder, sql } from 'kysely';
import {
  anyOf,
  type Database,
  db,
  idList,
  named,
  prepare,
  prepareInsert,
  rows,
  tenantOf,
  write,
} from '../db/sql.js';
import type { ResourceHours } from '../scheduling/slot.store.js';
import { isId } from '../shared/validation.js';
import { Booking, type BookingView } from './booking.entity.js';
import type { BookingFilter } from './booking.types.js';
import { ACTIVE_STATUSES, BookingStatus } from './booking-status.js';

// Every statement of the booking table but the unit of work's reads, on `em`, for its tenant.

/** A position in the listing's order: after this start, then this id. */
export interface Keyset {
  startsAt: Date;
  id: string;
}

/** What the API shows of a booking (its `Booking` type), the service and resource by id. */
const LISTED = named(
  'id created_at updated_at reference service_id resource_id starts_at ends_at status seats',
  'customer_name customer_email customer_phone notes cancelled_at cancellation_reason',
  'customer_time_zone customer_locale',
);

/** The instants among them. */
const INSTANTS = ['createdAt', 'updatedAt', 'startsAt', 'endsAt', 'cancelledAt'] as const;

/** Every column, as a `BookingView` names it but for the relations' ids. */
const ALL = [
  ...LISTED,
  ...named('tenant_id occupied_start occupied_end session_key manage_token_hash idempotency_key'),
  ...named('manage_token_sealed'),
  ...named('sequence request_fingerprint'),
];

/** A row with its relations' ids, as a view (references by id). */
function viewOf<R extends { serviceId: string; resourceId: string; tenantId?: string }>(r: R) {
  const { serviceId, resourceId, tenantId, ...rest } = r;
  return {
    ...rest,
    ...(tenantId === undefined ? {} : { tenant: { id: tenantId } }),
    service: { id: serviceId },
    resource: { id: resourceId },
  };
}

type Bookings = SelectQueryBuilder<Database, 'booking', object>;

/** `column in values`, and no row for an empty list. */
const within = <C extends 'status' | 'service_id' | 'resource_id'>(
  q: Bookings,
  column: C,
  values: readonly string[],
) => (values.length ? q.where(column, 'in', values as never[]) : q.where(sql<boolean>`false`));

/** Escapes LIKE wildcards so that a search for "50%" means those characters. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Which bookings a listing shows: the (checked) filter, within a STAFF caller's resources. */
export interface Selection {
  filter: BookingFilter | null | undefined;
  /** null: every resource of the tenant. */
  resourceIds: readonly string[] | null;
}

/** The tenant's bookings that the selection of `bookings` and `bookingsCsv` takes. */
function filtered(em: EntityManager, { filter, resourceIds }: Selection): Bookings {
  let q: Bookings = db.selectFrom('booking').where('tenant_id', '=', tenantOf(em));
  if (resourceIds) q = within(q, 'resource_id', resourceIds);
  if (filter?.from) q = q.where('starts_at', '>=', filter.from);
  if (filter?.to) q = q.where('starts_at', '<', filter.to);
  if (filter?.updatedSince) q = q.where('updated_at', '>=', filter.updatedSince);
  if (filter?.statuses) q = within(q, 'status', filter.statuses);
  if (filter?.serviceIds) q = within(q, 'service_id', filter.serviceIds.filter(isId));
  const search = filter?.search?.trim();
  if (search) {
    const pattern = likePattern(search);
    q = q.where((w) =>
      w.or(
        (['reference', 'customer_name', 'customer_email'] as const).map((c) =>
          w(c, 'ilike', pattern),
        ),
      ),
    );
  }
  return q;
}

/** Up to `limit` selected bookings after `after`, in start order then id, as plain rows. */
export async function bookingRows(
  em: EntityManager,
  selection: Selection,
  after: Keyset | null,
  limit: number,
) {
  let q = filtered(em, selection).select(LISTED);
  // A row comparison: the (tenant, starts_at, id) index answers it by a range scan.
  if (after) q = q.where(sql<boolean>`(starts_at, id) > (${after.startsAt}, ${after.id}::uuid)`);
  const found = await rows(em, q.orderBy('starts_at').orderBy('id').limit(limit), INSTANTS);
  return found.map(viewOf);
}

/** A booking as the listing reads it: what the API shows, the service and resource by id. */
export type ListedBooking = Awaited<ReturnType<typeof bookingRows>>[number];

/** How many bookings the selection takes. */
export async function countBookings(em: EntityManager, selection: Selection): Promise<number> {
  const [found] = await rows(em, filtered(em, selection).select(sql<string>`count(*)`.as('count')));
  return Number(found?.count ?? 0);
}

/** How many bookings, of any status, name the service or occupy the resource (in any role). */
export async function bookingsOf(
  em: EntityManager,
  column: 'resource_id' | 'service_id',
  id: string,
): Promise<number> {
  const q =
    column === 'service_id'
      ? db
          .selectFrom('booking')
          .select(sql<string>`count(*)`.as('count'))
          .where('tenant_id', '=', tenantOf(em))
          .where('service_id', '=', id)
      : db
          .selectFrom('booking_resource')
          .select(sql<string>`count(*)`.as('count'))
          .where('tenant_id', '=', tenantOf(em))
          .where('resource_id', '=', id);
  const [found] = await rows(em, q);
  return Number(found?.count ?? 0);
}

/** Bookings still to happen or under way: what a change of availability may leave stranded. */
const OPEN = [BookingStatus.PENDING, BookingStatus.CONFIRMED];

/**
 * The open bookings that occupy the resources (as their own or as a requirement; every
 * resource: null) and end after `after` and, when `overlapping` is given, overlap it; in
 * start order.
 */
export async function openBookingsOn(
  em: EntityManager,
  resourceIds: readonly string[] | null,
  after: Date,
  overlapping?: { start: Date; end: Date },
): Promise<BookingView[]> {
  let q = db
    .selectFrom('booking')
    .select(ALL)
    .where('tenant_id', '=', tenantOf(em))
    .where('status', 'in', OPEN)
    .where('ends_at', '>', after);
  if (resourceIds?.length === 0) return [];
  if (resourceIds) {
    const ids = [...resourceIds];
    q = q.where('id', 'in', (sub) =>
      sub
        .selectFrom('booking_resource')
        .select('booking_id')
        .where('tenant_id', '=', tenantOf(em))
        .where('resource_id', 'in', ids),
    );
  }
  if (overlapping)
    q = q.where('starts_at', '<', overlapping.end).where('ends_at', '>', overlapping.start);
  const found = await rows(em, q.orderBy('starts_at').orderBy('id'), [
    ...INSTANTS,
    'occupiedStart',
    'occupiedEnd',
  ]);
  return found.map((r) => viewOf(r) as BookingView);
}

const resourceLocks = prepare((a: { tenantId: string; ids: string }) =>
  db
    .selectFrom('resource')
    .select(['id', 'weekly_pattern as weeklyPattern', 'active'])
    .where('tenant_id', '=', a.tenantId)
    .where(anyOf('id', a.ids))
    .orderBy('id')
    .forUpdate(),
);

/**
 * Locks the resources' rows in id order (one order everywhere, so no deadlock), where bookings
 * on them queue, and returns their hours and state as committed now: a change of opening
 * hours made while the caller waited is what it checks.
 */
export async function lockResources(
  tx: EntityManager,
  ids: readonly string[],
): Promise<Map<string, ResourceHours & { active: boolean }>> {
  const found = await rows(tx, resourceLocks({ tenantId: tenantOf(tx), ids: idList(ids) }));
  return new Map(found.map((r) => [r.id, r]));
}

/** The same for one resource, which must exist. */
export async function lockResourceHours(
  tx: EntityManager,
  resourceId: string,
): Promise<ResourceHours & { active: boolean }> {
  const found = (await lockResources(tx, [resourceId])).get(resourceId);
  if (!found) throw new Error(`resource ${resourceId} missing`);
  return found;
}

/** Writes the occupancies of a booking's further resources (its own is the trigger's). */
export async function occupyAlso(
  tx: EntityManager,
  b: Pick<BookingView, 'id' | 'tenant' | 'occupiedStart' | 'occupiedEnd' | 'sessionKey' | 'status'>,
  resourceIds: readonly string[],
): Promise<void> {
  if (!resourceIds.length) return;
  const now = new Date();
  await write(
    tx,
    db.insertInto('booking_resource').values(
      resourceIds.map((resourceId) => ({
        id: randomUUID(),
        created_at: now,
        updated_at: now,
        tenant_id: b.tenant.id,
        booking_id: b.id,
        resource_id: resourceId,
        occupied_start: b.occupiedStart,
        occupied_end: b.occupiedEnd,
        session_key: b.sessionKey,
        active: ACTIVE_STATUSES.includes(b.status),
      })),
    ),
  );
}

/** Drops the occupancies of a booking's further resources (a move picks them again). */
export async function releaseAlso(tx: EntityManager, b: Pick<BookingView, 'id' | 'resource'>) {
  await write(
    tx,
    db
      .deleteFrom('booking_resource')
      .where('tenant_id', '=', tenantOf(tx))
      .where('booking_id', '=', b.id)
      .where('resource_id', '!=', b.resource.id),
  );
}

/** What the bookings occupy: (booking, resource) pairs, each booking's own resource first. */
export function occupancies(em: EntityManager, bookingIds: readonly string[]) {
  return rows(
    em,
    db
      .selectFrom('booking_resource as o')
      .innerJoin('booking as b', 'b.id', 'o.booking_id')
      .select(['o.booking_id as bookingId', 'o.resource_id as resourceId'])
      .where('o.tenant_id', '=', tenantOf(em))
      .where('o.booking_id', 'in', [...bookingIds])
      .orderBy(sql`o.resource_id = b.resource_id`, 'desc')
      .orderBy('o.created_at'),
  );
}

/** Locks every resource row of the tenant, in id order (one order, so no deadlock). */
export async function lockAllResources(tx: EntityManager): Promise<void> {
  const q = db.selectFrom('resource').select('id').where('tenant_id', '=', tenantOf(tx));
  await rows(tx, q.orderBy('id').forUpdate());
}

const bookingLock = prepare((a: { tenantId: string; id: string }) =>
  db
    .selectFrom('booking')
    .select(ALL)
    .where('tenant_id', '=', a.tenantId)
    .where('id', '=', a.id)
    .forUpdate(),
);

/** The booking, locked for a change in `tx`'s transaction. */
export async function lockBooking(tx: EntityManager, id: string): Promise<BookingView | null> {
  const [found] = await rows(tx, bookingLock({ tenantId: tenantOf(tx), id }), [
    ...INSTANTS,
    'occupiedStart',
    'occupiedEnd',
  ]);
  return found ? (viewOf(found) as BookingView) : null;
}

const insert = prepareInsert('booking', ALL);

/** Writes a new booking's row. */
export async function insertBooking(tx: EntityManager, b: BookingView): Promise<void> {
  const ids = { tenantId: b.tenant.id, serviceId: b.service.id, resourceId: b.resource.id };
  await write(tx, insert({ ...b, ...ids }));
}

/** Changes a booking's row; `changes` as the returned view shows them, `updatedAt` included. */
export async function updateBooking(
  tx: EntityManager,
  booking: BookingView,
  changes: Partial<Omit<BookingView, 'id' | 'tenant' | 'service' | 'resource'>> & {
    resource?: { id: string };
  },
): Promise<BookingView> {
  const updatedAt = new Date();
  const { resource, ...rest } = changes;
  await tx.nativeUpdate(
    Booking,
    { id: booking.id },
    { ...rest, ...(resource ? { resource: resource.id } : {}), updatedAt },
  );
  return { ...booking, ...changes, updatedAt } as BookingView;
}
