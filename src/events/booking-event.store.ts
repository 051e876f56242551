import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { db, idList, named, rows, tenantOf } from '../db/sql.js';
import type { BookingEventData } from './booking-event.entity.js';
import type { BookingEventType } from './booking-event-type.js';

// Every statement of the booking_event table, on `em`, for its tenant.

/** A position in the feed: the writing transaction's id, then the order within it. */
export interface FeedPosition {
  xid: string;
  position: string;
}

export interface NewBookingEvent {
  id: string;
  bookingId: string;
  serviceId: string;
  type: BookingEventType;
  actorKind: string;
  resourceIds: string[];
  data: BookingEventData;
  occurredAt: Date;
}

/** The events of transactions that have ended: none running can ever write one below them. */
const ENDED = sql<boolean>`xid < pg_snapshot_xmin(pg_current_snapshot())`;

const LISTED = named(
  'id booking_id service_id type sequence actor_kind data xid position created_at',
);

/** The event row, as the feed, the subscriptions and the webhooks read it. */
export type StoredEvent = Awaited<ReturnType<typeof eventsAfter>>[number];

/**
 * Writes the event in `tx`, the booking's change's transaction, with the booking's next
 * sequence number (its changes are serialised by the booking's row lock).
 */
export async function insertEvent(tx: EntityManager, e: NewBookingEvent) {
  const tenantId = tenantOf(tx);
  const q = db
    .insertInto('booking_event')
    .values({
      id: e.id,
      created_at: e.occurredAt,
      updated_at: e.occurredAt,
      tenant_id: tenantId,
      booking_id: e.bookingId,
      service_id: e.serviceId,
      type: e.type,
      actor_kind: e.actorKind,
      // JSON text: the driver would send an array as a PostgreSQL array.
      resource_ids: JSON.stringify(e.resourceIds) as never,
      data: JSON.stringify(e.data) as never,
      sequence: sql<number>`(select coalesce(max(sequence), 0) + 1 from booking_event
        where booking_id = ${e.bookingId})`,
    })
    .returning(['sequence']);
  const [row] = await rows(tx, q);
  if (!row) throw new Error('the booking event was not written');
  return row.sequence;
}

/** What a reader may take: types, and a STAFF caller's resources (the booking's own resource). */
export interface EventSelection {
  types: readonly BookingEventType[] | null;
  resourceIds: readonly string[] | null;
}

/**
 * Up to `limit` events after `after` in feed order, of transactions that ended before the
 * oldest one still running began to write: no later commit can land before them.
 */
export async function eventsAfter(
  em: EntityManager,
  after: FeedPosition | null,
  selection: EventSelection,
  limit: number,
) {
  let q = db
    .selectFrom('booking_event')
    .select(LISTED)
    .where('tenant_id', '=', tenantOf(em))
    .where(ENDED);
  if (after) {
    q = q.where(sql<boolean>`(xid, position) > (${after.xid}::xid8, ${after.position}::bigint)`);
  }
  if (selection.types) {
    q = selection.types.length
      ? q.where('type', 'in', selection.types)
      : q.where(sql<boolean>`false`);
  }
  if (selection.resourceIds) {
    q = q.where(
      sql<boolean>`(resource_ids->>0)::uuid = any(cast(${idList(selection.resourceIds)} as uuid[]))`,
    );
  }
  const found = await rows(em, q.orderBy('xid').orderBy('position').limit(limit), ['createdAt']);
  return found.map((r) => ({
    ...r,
    occurredAt: r.createdAt,
    xid: String(r.xid),
    position: String(r.position),
  }));
}

/** The feed's end now: a reader starting here gets every event readable from now on. */
export async function feedEnd(em: EntityManager): Promise<FeedPosition | null> {
  const q = db
    .selectFrom('booking_event')
    .select(['xid', 'position'])
    .where('tenant_id', '=', tenantOf(em))
    .where(ENDED)
    .orderBy('xid', 'desc')
    .orderBy('position', 'desc')
    .limit(1);
  const [row] = await rows(em, q);
  return row ? { xid: String(row.xid), position: String(row.position) } : null;
}
