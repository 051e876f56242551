import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { db, named, rows, tenantOf, write } from '../db/sql.js';
import type { BookingEventType } from '../events/booking-event-type.js';
import { WebhookDeliveryStatus } from './webhook-enums.js';
import type { AttemptOutcome } from './webhook-sender.js';

// Every write of the webhook_delivery and webhook_attempt tables, on `em`, for its tenant.

const OPEN = [WebhookDeliveryStatus.PENDING, WebhookDeliveryStatus.RETRYING];

/** An event to send: the bodies for each payload kind, the endpoints it goes to chosen in SQL. */
export interface PlannedEvent {
  eventId: string;
  bookingId: string;
  serviceId: string;
  type: BookingEventType;
  webhookType: string;
  full: Record<string, unknown>;
  idsOnly: Record<string, unknown>;
  now: Date;
}

/**
 * A delivery for every endpoint of the tenant that takes the event (its type, its service),
 * paused ones included (they send on resuming); the endpoints that are active, to wake.
 */
export async function planDeliveries(tx: EntityManager, e: PlannedEvent): Promise<string[]> {
  const tenantId = tenantOf(tx);
  const q = sql<{ endpointId: string; active: boolean }>`
    insert into webhook_delivery (id, created_at, updated_at, tenant_id, endpoint_id, message_id,
      event_id, booking_id, type, body, next_attempt_at)
    select gen_random_uuid(), ${e.now}, ${e.now}, tenant_id, id, ${e.eventId}, ${e.eventId},
      ${e.bookingId}, ${e.webhookType},
      case when payload = 'FULL' then ${JSON.stringify(e.full)}::jsonb
        else ${JSON.stringify(e.idsOnly)}::jsonb end,
      ${e.now}
    from webhook_endpoint
    where tenant_id = ${tenantId} and events @> ${JSON.stringify([e.type])}::jsonb
      and (service_ids = '[]'::jsonb or service_ids @> ${JSON.stringify([e.serviceId])}::jsonb)
    -- An endpoint deleted meanwhile is skipped, not a foreign-key error that fails the booking.
    for key share
    returning endpoint_id as "endpointId",
      (select active from webhook_endpoint w where w.id = endpoint_id) as active`;
  const found = (await rows(tx, q.compile(db))) as { endpointId: string; active: boolean }[];
  return found.filter((r) => r.active).map((r) => r.endpointId);
}

/** One delivery made by hand: a test ping, or a redelivery of an earlier one's body. */
export async function insertDelivery(
  tx: EntityManager,
  d: {
    endpointId: string;
    messageId: string;
    eventId: string | null;
    bookingId: string | null;
    type: string;
    body: Record<string, unknown>;
    now: Date;
  },
): Promise<string> {
  const id = randomUUID();
  await write(
    tx,
    db.insertInto('webhook_delivery').values({
      id,
      created_at: d.now,
      updated_at: d.now,
      tenant_id: tenantOf(tx),
      endpoint_id: d.endpointId,
      message_id: d.messageId,
      event_id: d.eventId,
      booking_id: d.bookingId,
      type: d.type,
      body: JSON.stringify(d.body) as never,
      next_attempt_at: d.now,
      status: WebhookDeliveryStatus.PENDING,
      attempt_count: 0,
      failures: 0,
    }),
  );
  return id;
}

const HEAD = named(
  'id message_id type body failures first_failed_at next_attempt_at claimed_until',
);

/** The first open delivery of an endpoint for a booking, and whether this sender now holds it. */
export type Head =
  | { state: 'none' }
  | { state: 'busy'; until: Date }
  | { state: 'later'; at: Date }
  | {
      state: 'claimed';
      id: string;
      messageId: string;
      type: string;
      body: Record<string, unknown>;
      failures: number;
      firstFailedAt: Date | null;
    };

/**
 * Takes the lease on the endpoint's first open delivery of the booking (`bookingId` null: the
 * test pings), when it is due and nobody else holds it: one sender at a time keeps the order.
 */
export async function claimHead(
  em: EntityManager,
  endpointId: string,
  bookingId: string | null,
  now: Date,
  leaseUntil: Date,
): Promise<Head> {
  return em.transactional(async (tx) => {
    const q = db
      .selectFrom('webhook_delivery')
      .select(HEAD)
      .where('tenant_id', '=', tenantOf(tx))
      .where('endpoint_id', '=', endpointId)
      .where((w) => (bookingId ? w('booking_id', '=', bookingId) : w('booking_id', 'is', null)))
      .where('status', 'in', OPEN)
      .orderBy('position')
      .limit(1)
      .forUpdate();
    const [head] = await rows(tx, q, ['firstFailedAt', 'nextAttemptAt', 'claimedUntil']);
    if (!head) return { state: 'none' };
    if (head.claimedUntil && head.claimedUntil > now)
      return { state: 'busy', until: head.claimedUntil };
    if (head.nextAttemptAt > now) return { state: 'later', at: head.nextAttemptAt };
    await write(
      tx,
      db
        .updateTable('webhook_delivery')
        .set({ claimed_until: leaseUntil })
        .where('id', '=', head.id),
    );
    return {
      state: 'claimed',
      id: head.id,
      messageId: head.messageId,
      type: head.type,
      body: head.body as Record<string, unknown>,
      failures: head.failures,
      firstFailedAt: head.firstFailedAt,
    };
  });
}

/** Keeps an attempt and moves its delivery on: sent, retried at `retryAt`, or given up. */
export async function recordAttempt(
  tx: EntityManager,
  deliveryId: string,
  outcome: AttemptOutcome,
  next: { status: WebhookDeliveryStatus; at: Date; retryAt?: Date; firstFailedAt: Date | null },
): Promise<void> {
  const tenantId = tenantOf(tx);
  await write(
    tx,
    db.insertInto('webhook_attempt').values({
      id: randomUUID(),
      created_at: next.at,
      updated_at: next.at,
      tenant_id: tenantId,
      delivery_id: deliveryId,
      status_code: outcome.statusCode,
      latency_ms: outcome.latencyMs,
      error: outcome.error,
      succeeded: outcome.succeeded,
    }),
  );
  await write(
    tx,
    db
      .updateTable('webhook_delivery')
      .set({
        status: next.status,
        attempt_count: sql`attempt_count + 1`,
        failures: outcome.succeeded ? sql`failures` : sql`failures + 1`,
        updated_at: next.at,
        last_attempt_at: next.at,
        last_status_code: outcome.statusCode,
        last_error: outcome.error,
        first_failed_at: next.firstFailedAt,
        claimed_until: null,
        ...(next.retryAt ? { next_attempt_at: next.retryAt } : {}),
        ...(outcome.succeeded ? { delivered_at: next.at } : {}),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', deliveryId),
  );
}

/** Opens every delivery of the endpoint not yet sent, afresh; the bookings whose queues to wake. */
export async function reopenDeliveries(
  tx: EntityManager,
  endpointId: string,
  now: Date,
): Promise<(string | null)[]> {
  const q = db
    .updateTable('webhook_delivery')
    .set({
      status: WebhookDeliveryStatus.PENDING,
      next_attempt_at: now,
      first_failed_at: null,
      failures: 0,
      claimed_until: null,
      updated_at: now,
    })
    .where('tenant_id', '=', tenantOf(tx))
    .where('endpoint_id', '=', endpointId)
    .where('status', '!=', WebhookDeliveryStatus.SUCCEEDED)
    .returning('booking_id as bookingId');
  const found = await rows(tx, q);
  return [...new Set(found.map((r) => r.bookingId))];
}
