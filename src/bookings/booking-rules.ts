import { Role } from '../access/role.js';
import { sha256Hex } from '../access/secrets.js';
import type { BookableService } from '../scheduling/slot.store.js';
import { explainOverride, explainStart, type SlotQuery } from '../scheduling/slot-engine.js';
import { type UserError, UserErrorCode, userError } from '../shared/errors.js';
import { canonicalLocale } from '../shared/locale.js';
import { invalid } from '../shared/validation.js';
import type { BookingView } from './booking.entity.js';
import type { CreateBookingInput } from './booking.types.js';
import { BookingStatus } from './booking-status.js';
import { groupSessionKey, newReference } from './identifiers.js';

// The booking rules as pure functions: no database, no clock (`now` is passed in).

/** Where a refusal points: the start, and the seats (for capacity). */
export interface BookingFields {
  startsAt: string[];
  seats: string[];
}
export const CREATE_FIELDS: BookingFields = {
  startsAt: ['input', 'startsAt'],
  seats: ['input', 'seats'],
};
export const MOVE_FIELDS: BookingFields = { startsAt: ['startsAt'], seats: ['startsAt'] };

export const conflict = (fields: BookingFields) =>
  userError(
    UserErrorCode.BOOKING_CONFLICT,
    'This time is no longer free: another booking holds it',
    fields.startsAt,
  );

/**
 * Null when `slots` would offer `startsAt` with `seats` seats left, else why not (one pass);
 * with `bypassPolicy`, when it breaks no blackout, booking or capacity at any minute.
 */
export function whyNotBookable(
  query: SlotQuery,
  startsAt: Date,
  seats: number,
  fields: BookingFields,
  bypassPolicy = false,
): UserError | null {
  const explain = bypassPolicy ? explainOverride : explainStart;
  const verdict = explain(query, startsAt.getTime());
  if (verdict.offered) {
    if (verdict.remainingCapacity >= seats) return null;
    return userError(
      UserErrorCode.CAPACITY_EXCEEDED,
      `Only ${verdict.remainingCapacity} seat(s) left at this time`,
      fields.seats,
    );
  }
  switch (verdict.reason) {
    case 'CONFLICT':
      return conflict(fields);
    case 'FULL':
      return userError(UserErrorCode.CAPACITY_EXCEEDED, 'This session is full', fields.seats);
    case 'TOO_SOON_OR_FAR':
      return userError(
        UserErrorCode.OUTSIDE_BOOKING_WINDOW,
        `Bookings must start at least ${query.service.minimumNoticeMinutes} minutes from now and at most ${query.service.maxAdvanceDays} days ahead`,
        fields.startsAt,
      );
    default:
      return userError(
        UserErrorCode.SLOT_UNAVAILABLE,
        'This service does not start at this time: outside opening hours, between slots, or during a blackout',
        fields.startsAt,
      );
  }
}

/** The instants a booking of `service` starting at `startsAt` holds. */
export function spanOf(service: BookableService, startsAt: Date) {
  const start = startsAt.getTime();
  const end = start + service.durationMinutes * 60_000;
  return {
    startsAt: new Date(start),
    endsAt: new Date(end),
    occupiedStart: new Date(start - service.bufferBeforeMinutes * 60_000),
    occupiedEnd: new Date(end + service.bufferAfterMinutes * 60_000),
  };
}

/** The session key of a booking at `startsAt`: shared by a group session, its own otherwise. */
export function sessionKeyOf(service: BookableService, startsAt: Date, bookingId: string): string {
  return service.capacity > 1 ? groupSessionKey(service.id, startsAt) : bookingId;
}

/** A createBooking request, trimmed. */
export interface BookingRequest {
  serviceId: string;
  startsAt: Date;
  seats: number;
  name: string;
  email: string;
  phone: string | null;
  timeZone: string | null;
  locale: string | null;
  notes: string | null;
  idempotencyKey: string | null;
  /** Booked past the notice, the horizon and the opening hours (an admin's walk-in). */
  bypassPolicy: boolean;
  /** The customer's choice of the service's pool; null: the policy picks. */
  resourceId: string | null;
}

/** The request as booked: text trimmed, the email lower-case (the input is already valid). */
export function normalise(input: CreateBookingInput): BookingRequest {
  return {
    serviceId: input.serviceId,
    startsAt: input.startsAt,
    seats: input.seats ?? 1,
    name: input.customer.name.trim(),
    email: input.customer.email.trim().toLowerCase(),
    phone: input.customer.phone?.trim() || null,
    timeZone: input.customer.timeZone ?? null,
    locale: input.customer.locale ? canonicalLocale(input.customer.locale) : null,
    notes: input.notes?.trim() || null,
    idempotencyKey: input.idempotencyKey ?? null,
    bypassPolicy: input.bypassPolicy ?? false,
    resourceId: input.resourceId ?? null,
  };
}

/** What makes two requests "the same" for an idempotency key. */
export function fingerprint(r: BookingRequest): string {
  return sha256Hex(
    JSON.stringify([
      r.serviceId,
      r.startsAt.toISOString(),
      r.seats,
      r.name,
      r.email,
      r.phone,
      r.notes,
      // Only when set, so that fingerprints of requests from before these fields still match.
      ...(r.bypassPolicy ? [true] : []),
      ...(r.resourceId ? [r.resourceId] : []),
      ...(r.timeZone || r.locale ? [r.timeZone, r.locale] : []),
    ]),
  );
}

/** Where the seats a request asks for cannot fit the service at all (whatever the time). */
export function seatsProblem(request: BookingRequest, service: BookableService): UserError | null {
  if (request.seats > 1 && service.capacity === 1) {
    return invalid(['input', 'seats'], 'seats can be more than 1 only for a group service');
  }
  if (request.seats > service.capacity) {
    return invalid(
      ['input', 'seats'],
      `seats must be at most the service's capacity (${service.capacity})`,
    );
  }
  return null;
}

/** The row of a new booking. */
export function newBooking(
  tenantId: string,
  service: BookableService,
  resourceId: string,
  request: BookingRequest,
  fields: {
    id: string;
    now: Date;
    manageTokenHash: string;
    manageTokenSealed: string;
    fingerprint: string | null;
  },
): BookingView {
  return {
    id: fields.id,
    createdAt: fields.now,
    updatedAt: fields.now,
    tenant: { id: tenantId },
    service: { id: service.id },
    resource: { id: resourceId },
    reference: newReference(),
    ...spanOf(service, request.startsAt),
    sessionKey: sessionKeyOf(service, request.startsAt, fields.id),
    status: service.requiresConfirmation ? BookingStatus.PENDING : BookingStatus.CONFIRMED,
    seats: request.seats,
    customerName: request.name,
    customerEmail: request.email,
    customerPhone: request.phone,
    customerTimeZone: request.timeZone,
    customerLocale: request.locale,
    notes: request.notes,
    cancelledAt: null,
    cancellationReason: null,
    manageTokenHash: fields.manageTokenHash,
    manageTokenSealed: fields.manageTokenSealed,
    idempotencyKey: request.idempotencyKey,
    sequence: 0,
    requestFingerprint: fields.fingerprint,
  };
}

export type Transition = 'confirm' | 'cancel' | 'complete' | 'noShow';

/** The status changes; COMPLETED and NO_SHOW can be swapped. */
export const TRANSITIONS: Record<
  Transition,
  { from: readonly BookingStatus[]; to: BookingStatus; verb: string }
> = {
  confirm: { from: [BookingStatus.PENDING], to: BookingStatus.CONFIRMED, verb: 'confirm' },
  cancel: {
    from: [BookingStatus.PENDING, BookingStatus.CONFIRMED],
    to: BookingStatus.CANCELLED,
    verb: 'cancel',
  },
  complete: {
    from: [BookingStatus.CONFIRMED, BookingStatus.NO_SHOW],
    to: BookingStatus.COMPLETED,
    verb: 'complete',
  },
  noShow: {
    from: [BookingStatus.CONFIRMED, BookingStatus.COMPLETED],
    to: BookingStatus.NO_SHOW,
    verb: 'mark as no-show',
  },
};

/** Statuses a booking can be moved from. */
export const MOVABLE: readonly BookingStatus[] = [BookingStatus.PENDING, BookingStatus.CONFIRMED];

/**
 * Whether an open booking is past the time its customer may change it themselves: the
 * business's cancellation notice before its start.
 */
export function tooLateForCustomer(
  booking: Pick<BookingView, 'status' | 'startsAt'>,
  noticeMinutes: number,
  now: number,
): boolean {
  const deadline = booking.startsAt.getTime() - noticeMinutes * 60_000;
  return MOVABLE.includes(booking.status) && now > deadline;
}

/** Who may book past the public rules: an admin (a user or a key), or STAFF on their own resource. */
export function bypassRefused(
  role: Role | null | undefined,
  onOwnResource: boolean,
  field: string[],
): UserError | null {
  if (role === Role.ADMIN || (role === Role.STAFF && onOwnResource)) return null;
  return userError(
    UserErrorCode.NOT_ALLOWED,
    'bypassPolicy may be set only by an admin, or by staff on their own resources (booking past the notice, horizon and hours)',
    field,
  );
}

export function invalidTransition(booking: Pick<BookingView, 'status'>, verb: string): UserError {
  return userError(UserErrorCode.INVALID_TRANSITION, `Cannot ${verb} a ${booking.status} booking`, [
    'id',
  ]);
}
