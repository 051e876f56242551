import { registerEnumType } from 'type-graphql';

/** What happened to a booking: one event per change (docs/EVENTS.md). */
export enum BookingEventType {
  CREATED = 'CREATED',
  CONFIRMED = 'CONFIRMED',
  CANCELLED = 'CANCELLED',
  RESCHEDULED = 'RESCHEDULED',
  COMPLETED = 'COMPLETED',
  NO_SHOW = 'NO_SHOW',
  DETAILS_UPDATED = 'DETAILS_UPDATED',
}
registerEnumType(BookingEventType, { name: 'BookingEventType' });

/** The type as a webhook names it: `booking.no_show`. */
export const webhookTypeOf = (type: BookingEventType) => `booking.${type.toLowerCase()}`;
