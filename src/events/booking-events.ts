import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { actorOf } from '../audit/audit.js';
import type { BookingView } from '../bookings/booking.entity.js';
import { occupancies } from '../bookings/booking.store.js';
import type { RequestContext } from '../context/request-context.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import type { BookingEventData } from './booking-event.entity.js';
import { insertEvent } from './booking-event.store.js';
import { type BookingEventType, webhookTypeOf } from './booking-event-type.js';

/** The booking after a change, as the feed and a FULL webhook carry it. */
function dataOf(b: BookingView, resourceIds: string[]): BookingEventData {
  return {
    id: b.id,
    reference: b.reference,
    status: b.status,
    serviceId: b.service.id,
    resourceIds,
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
    seats: b.seats,
    customer: { name: b.customerName, email: b.customerEmail, phone: b.customerPhone },
    notes: b.notes,
    cancellationReason: b.cancellationReason,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

/** What an IDS_ONLY webhook carries: no name, email, phone or notes. */
const idsOnly = (d: BookingEventData) => ({
  id: d.id,
  status: d.status,
  serviceId: d.serviceId,
  resourceIds: d.resourceIds,
  startsAt: d.startsAt,
  endsAt: d.endsAt,
});

/**
 * Records a change of a booking in `tx`, the change's own transaction: its event (the feed
 * and subscriptions read it) and a delivery for each webhook endpoint that takes it.
 * `resourceIds`: the booking's resources after the change, its own first (read when omitted).
 */
export async function recordBookingEvent(
  ctx: RequestContext,
  tx: EntityManager,
  type: BookingEventType,
  booking: BookingView,
  options: { byCustomer?: boolean; resourceIds?: string[] } = {},
): Promise<void> {
  const tenant = requireTenant(ctx);
  const resourceIds =
    options.resourceIds ?? (await occupancies(tx, [booking.id])).map((o) => o.resourceId);
  const data = dataOf(booking, resourceIds);
  const id = randomUUID();
  const occurredAt = new Date(ctx.now());
  const { actorKind } = actorOf(ctx, {
    customerBookingId: options.byCustomer ? booking.id : undefined,
  });
  const sequence = await insertEvent(tx, {
    id,
    bookingId: booking.id,
    serviceId: booking.service.id,
    type,
    actorKind,
    resourceIds,
    data,
    occurredAt,
  });
  const envelope = {
    type: webhookTypeOf(type),
    id,
    bookingId: booking.id,
    sequence,
    occurredAt: occurredAt.toISOString(),
    actorKind,
  };
  await ctx.webhooks.plan(tx, tenant.id, {
    eventId: id,
    bookingId: booking.id,
    serviceId: booking.service.id,
    type,
    webhookType: envelope.type,
    full: { ...envelope, data },
    idsOnly: { ...envelope, data: idsOnly(data) },
    now: new Date(),
  });
}
