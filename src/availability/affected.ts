import type { EntityManager } from '@mikro-orm/postgresql';
import type { BookingView } from '../bookings/booking.entity.js';
import { lockBooking, openBookingsOn } from '../bookings/booking.store.js';
import { transitionIn } from '../bookings/bookings.service.js';
import type { RequestContext } from '../context/request-context.js';
import type { ResourceHours } from '../scheduling/slot.store.js';
import { overridesOf } from '../scheduling/slot.store.js';
import { type Hours, withinHours } from '../scheduling/slot-engine.js';
import { addDays, localDateOf } from '../scheduling/zone-time.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { type AffectedArgs, AffectedBookings } from './availability.types.js';

// Changes of availability never strand bookings silently: they are listed, or cancelled.

const spanOf = (b: BookingView) => ({ start: b.startsAt.getTime(), end: b.endsAt.getTime() });

/**
 * Open bookings of the resource (its row locked by the caller) that its hours hold now and
 * would not hold after `change`; bookings already outside them (walk-ins) are not news.
 */
export async function strandedBy(
  ctx: RequestContext,
  tx: EntityManager,
  resource: ResourceHours,
  change: (before: Hours) => Hours,
): Promise<BookingView[]> {
  const { timeZone } = requireTenant(ctx);
  const open = await openBookingsOn(tx, [resource.id], new Date(ctx.now()));
  const first = open[0];
  if (!first) return [];
  const last = Math.max(...open.map((b) => b.endsAt.getTime()));
  const from = addDays(localDateOf(first.startsAt.getTime(), timeZone), -1);
  const overrides = await overridesOf(tx, [resource.id], from, localDateOf(last, timeZone));
  const before: Hours = {
    timeZone,
    weeklyWindows: resource.weeklyPattern,
    overrides: new Map(overrides.map((o) => [o.date, o.windows])),
  };
  const after = change(before);
  return open.filter((b) => withinHours(before, spanOf(b)) && !withinHours(after, spanOf(b)));
}

/** The open bookings a blackout of the resource (every resource: null) would lie over. */
export function strandedByBlackout(
  ctx: RequestContext,
  tx: EntityManager,
  resourceId: string | null,
  span: { start: Date; end: Date },
): Promise<BookingView[]> {
  return openBookingsOn(tx, resourceId ? [resourceId] : null, new Date(ctx.now()), span);
}

/** What the change's audit row says of the bookings it stranded, and what became of them. */
export const affectedChanges = (stranded: BookingView[], affected: AffectedArgs) =>
  stranded.length
    ? { affectedBookings: stranded.map((b) => b.id), onAffected: affected.onAffected }
    : {};

/** Keeps the stranded bookings, or cancels each in `tx` (audited, the customer told). */
export async function settle(
  ctx: RequestContext,
  tx: EntityManager,
  stranded: BookingView[],
  args: AffectedArgs,
): Promise<BookingView[]> {
  if (args.onAffected !== AffectedBookings.CANCEL) return stranded;
  const settled: BookingView[] = [];
  for (const booking of stranded) {
    const locked = await lockBooking(tx, booking.id);
    if (!locked) continue;
    const reason = args.cancellationReason;
    const cancelled = await transitionIn(ctx, tx, locked, 'cancel', { reason, by: 'admin' });
    settled.push(cancelled.ok ? cancelled.value : locked);
  }
  return settled;
}
