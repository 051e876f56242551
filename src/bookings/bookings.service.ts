import { randomUUID } from 'node:crypto';
import { DriverException, LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { newToken, sha256Hex } from '../access/secrets.js';
import { audit, recordAudit } from '../audit/audit.js';
import { Service } from '../catalog/service.entity.js';
import type { RequestContext } from '../context/request-context.js';
import { statementTransaction } from '../db/statement-transaction.js';
import type { WeekdayWindow } from '../scheduling/local-time.js';
import { computeSlots, type SlotQuery } from '../scheduling/slot-engine.js';
import {
  type BookableService,
  engineServiceOf,
  findBookableService,
  loadSlotQuery,
  type ResourceHours,
} from '../scheduling/slots.service.js';
import { windowDatesOf } from '../scheduling/zone-time.js';
import {
  fail,
  ok,
  type Result,
  type UserError,
  UserErrorCode,
  userError,
} from '../shared/errors.js';
import { invalid, isId } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import type { Tenant } from '../tenancy/tenant.entity.js';
import { Booking, type BookingView } from './booking.entity.js';
import type { CreateBookingInput } from './booking.types.js';
import { BookingStatus } from './booking-status.js';
import { groupSessionKey, newReference } from './identifiers.js';

export const MANAGE_TOKEN_PREFIX = 'bkm';
const MAX_NAME = 200;
const MAX_NOTES = 2000;
const MAX_REASON = 1000;
const MAX_IDEMPOTENCY_KEY = 200;
const PHONE = /^\+?[0-9 ()\-.]{3,40}$/;
// Control characters would let a name break out of an email header or a CSV cell.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
/** PostgreSQL's exclusion_violation: the booking_no_overlap constraint refused a row. */
const EXCLUSION_VIOLATION = '23P01';

export function isExclusionViolation(err: unknown): boolean {
  return err instanceof DriverException && err.code === EXCLUSION_VIOLATION;
}

/** Where a refusal points: the start, and the seats (for capacity). */
export interface BookingFields {
  startsAt: string[];
  seats: string[];
}
const CREATE_FIELDS: BookingFields = { startsAt: ['input', 'startsAt'], seats: ['input', 'seats'] };
const MOVE_FIELDS: BookingFields = { startsAt: ['startsAt'], seats: ['startsAt'] };

const conflict = (fields: BookingFields) =>
  userError(
    UserErrorCode.BOOKING_CONFLICT,
    'This time is no longer free: another booking holds it',
    fields.startsAt,
  );

// ---------------------------------------------------------------------------------------------
// The bookability check: the same engine that answers `slots`, on the dates whose windows can
// produce the start.
// ---------------------------------------------------------------------------------------------

function offered(query: SlotQuery, startsAt: number) {
  return computeSlots(query).find((s) => s.startsAt === startsAt);
}

/**
 * Null when `startsAt` is a start that `slots` would offer right now with `seats` seats
 * left; else the reason, as specific as the rules allow. Runs inside the caller's
 * transaction, after its lock.
 */
export async function whyNotBookable(
  em: EntityManager,
  tenant: Tenant,
  service: BookableService,
  resource: ResourceHours,
  startsAt: Date,
  seats: number,
  now: number,
  fields: BookingFields,
  options: { excludeBookingId?: string } = {},
): Promise<UserError | null> {
  const start = startsAt.getTime();
  const query = await loadSlotQuery(
    em,
    tenant,
    service,
    resource,
    { ...windowDatesOf(start, tenant.timeZone), now },
    options,
  );
  const slot = offered(query, start);
  if (slot) {
    if (slot.remainingCapacity >= seats) return null;
    return userError(
      UserErrorCode.CAPACITY_EXCEEDED,
      `Only ${slot.remainingCapacity} seat(s) left at this time`,
      fields.seats,
    );
  }
  if (offered({ ...query, busy: [] }, start)) {
    const sameSession = query.busy.filter(
      (b) => b.serviceId === service.id && b.startsAt === start,
    );
    if (
      service.capacity > 1 &&
      sameSession.length > 0 &&
      offered({ ...query, busy: query.busy.filter((b) => !sameSession.includes(b)) }, start)
    ) {
      return userError(UserErrorCode.CAPACITY_EXCEEDED, 'This session is full', fields.seats);
    }
    return conflict(fields);
  }
  const unlimited = {
    ...query,
    busy: [],
    now: 0,
    service: { ...query.service, minimumNoticeMinutes: 0, maxAdvanceDays: 1_000_000 },
  };
  if (offered(unlimited, start)) {
    const s = engineServiceOf(service, tenant);
    return userError(
      UserErrorCode.OUTSIDE_BOOKING_WINDOW,
      `Bookings must start at least ${s.minimumNoticeMinutes} minutes from now and at most ${s.maxAdvanceDays} days ahead`,
      fields.startsAt,
    );
  }
  return userError(
    UserErrorCode.SLOT_UNAVAILABLE,
    'This service does not start at this time: outside opening hours, between slots, or during a blackout',
    fields.startsAt,
  );
}

/**
 * Locks the resource's row (SELECT ... FOR UPDATE) in `tx`'s transaction: the point where
 * bookings on one resource queue. Returns its weekly pattern as committed now, so a change
 * of opening hours that committed while the caller waited is what the check sees. One plain
 * statement; the tenant is explicit (raw SQL applies no filters).
 */
async function lockResource(
  tx: EntityManager,
  tenantId: string,
  resourceId: string,
): Promise<ResourceHours> {
  const [row] = await tx
    .getConnection()
    .execute<Array<{ weekly_pattern: WeekdayWindow[] }>>(
      'select weekly_pattern from "resource" where tenant_id = ?::uuid and id = ?::uuid for update',
      [tenantId, resourceId],
      'all',
      tx.getTransactionContext(),
    );
  if (!row) throw new Error(`resource ${resourceId} of tenant ${tenantId} missing`);
  return { id: resourceId, weeklyPattern: row.weekly_pattern };
}

// ---------------------------------------------------------------------------------------------
// createBooking
// ---------------------------------------------------------------------------------------------

interface NormalisedRequest {
  serviceId: string;
  startsAt: Date;
  seats: number;
  name: string;
  email: string;
  phone: string | null;
  notes: string | null;
  idempotencyKey: string | null;
}

function normalise(input: CreateBookingInput): { request: NormalisedRequest; errors: UserError[] } {
  const errors: UserError[] = [];
  const name = input.customer.name.trim();
  const phone = input.customer.phone?.trim() || null;
  const notes = input.notes?.trim() || null;
  const seats = input.seats ?? 1;
  const key = input.idempotencyKey ?? null;
  if (name.length < 1 || name.length > MAX_NAME) {
    errors.push(
      invalid(['input', 'customer', 'name'], `customer.name must be 1 to ${MAX_NAME} characters`),
    );
  } else if (CONTROL.test(name)) {
    errors.push(
      invalid(['input', 'customer', 'name'], 'customer.name must not contain control characters'),
    );
  }
  if (input.customer.email.length > 254) {
    errors.push(
      invalid(['input', 'customer', 'email'], 'customer.email must be at most 254 characters'),
    );
  }
  if (phone !== null && !PHONE.test(phone)) {
    errors.push(
      invalid(
        ['input', 'customer', 'phone'],
        'customer.phone must be a phone number (digits, spaces, + ( ) - .), at most 40 characters',
      ),
    );
  }
  if (notes !== null && notes.length > MAX_NOTES) {
    errors.push(invalid(['input', 'notes'], `notes must be at most ${MAX_NOTES} characters`));
  }
  if (!Number.isInteger(seats) || seats < 1)
    errors.push(invalid(['input', 'seats'], 'seats must be at least 1'));
  if (key !== null && (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY || CONTROL.test(key))) {
    errors.push(
      invalid(
        ['input', 'idempotencyKey'],
        `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY} printable characters`,
      ),
    );
  }
  return {
    request: {
      serviceId: input.serviceId,
      startsAt: input.startsAt,
      seats,
      name,
      email: input.customer.email.trim().toLowerCase(),
      phone,
      notes,
      idempotencyKey: key,
    },
    errors,
  };
}

/** What makes two requests "the same" for an idempotency key. */
function fingerprint(r: NormalisedRequest): string {
  return sha256Hex(
    JSON.stringify([
      r.serviceId,
      r.startsAt.toISOString(),
      r.seats,
      r.name,
      r.email,
      r.phone,
      r.notes,
    ]),
  );
}

export interface CreatedBooking {
  booking: BookingView;
  /** Null when an idempotent repeat returns the booking made the first time. */
  manageToken: string | null;
}

async function replay(
  em: EntityManager,
  key: string,
  print: string,
): Promise<Result<CreatedBooking> | null> {
  const existing = await em.findOne(Booking, { idempotencyKey: key });
  if (!existing) return null;
  if (existing.requestFingerprint !== print) {
    return fail(
      userError(
        UserErrorCode.IDEMPOTENCY_KEY_REUSED,
        'This idempotencyKey was already used for a different booking request',
        ['input', 'idempotencyKey'],
      ),
    );
  }
  return ok({ booking: existing, manageToken: null });
}

/**
 * Public: books a start of an active service. One transaction: lock the resource row
 * (SELECT ... FOR UPDATE), check the start with the slot engine against what is committed
 * now, insert. The exclusion constraint backs the lock: a violation becomes
 * BOOKING_CONFLICT.
 */
export async function createBooking(
  ctx: RequestContext,
  input: CreateBookingInput,
): Promise<Result<CreatedBooking>> {
  const tenant = requireTenant(ctx);
  const { request, errors } = normalise(input);
  const bookable = await findBookableService(ctx, request.serviceId);
  const service = bookable?.service;
  if (!service) {
    errors.push(
      userError(UserErrorCode.NOT_FOUND, `No active service ${request.serviceId}`, [
        'input',
        'serviceId',
      ]),
    );
  } else if (request.seats > 1 && service.capacity === 1) {
    errors.push(invalid(['input', 'seats'], 'seats can be more than 1 only for a group service'));
  } else if (request.seats > service.capacity) {
    errors.push(
      invalid(
        ['input', 'seats'],
        `seats must be at most the service's capacity (${service.capacity})`,
      ),
    );
  }
  if (errors.length || !bookable || !service) return fail(...errors);

  // Only a request with an idempotency key is compared with an earlier one.
  const idempotency = request.idempotencyKey
    ? { key: request.idempotencyKey, print: fingerprint(request) }
    : null;
  if (idempotency) {
    const repeated = await replay(ctx.em, idempotency.key, idempotency.print);
    if (repeated) return repeated;
  }
  const resourceId = bookable.resource.id;
  for (let attempt = 0; ; attempt++) {
    try {
      return await statementTransaction(ctx.em, async (tx) => {
        const hours = await lockResource(tx, tenant.id, resourceId);
        // A repeat that waited for the lock behind the request it repeats finds that booking now.
        if (idempotency) {
          const repeated = await replay(tx, idempotency.key, idempotency.print);
          if (repeated) return repeated;
        }
        const problem = await whyNotBookable(
          tx,
          tenant,
          service,
          hours,
          request.startsAt,
          request.seats,
          ctx.now(),
          CREATE_FIELDS,
        );
        if (problem) return fail<CreatedBooking>(problem);
        const manageToken = newToken(MANAGE_TOKEN_PREFIX);
        const id = randomUUID();
        const now = new Date();
        // A plain insert and a plain answer, not the unit of work: the row is new and not
        // changed again in this transaction, and tracking it (an entity with its references,
        // merged into the request's unit of work) was most of createBooking's own cost
        // (docs/PERFORMANCE.md).
        const booking: BookingView = {
          id,
          createdAt: now,
          updatedAt: now,
          tenant: { id: tenant.id },
          service: { id: service.id },
          resource: { id: resourceId },
          reference: newReference(),
          ...spanOf(service, request.startsAt),
          status: service.requiresConfirmation ? BookingStatus.PENDING : BookingStatus.CONFIRMED,
          seats: request.seats,
          customerName: request.name,
          customerEmail: request.email,
          customerPhone: request.phone,
          notes: request.notes,
          cancelledAt: null,
          cancellationReason: null,
          manageTokenHash: sha256Hex(manageToken),
          idempotencyKey: request.idempotencyKey,
          sequence: 0,
          requestFingerprint: idempotency?.print ?? null,
          sessionKey: service.capacity > 1 ? groupSessionKey(service.id, request.startsAt) : id,
        };
        await insertBooking(tx, tenant.id, booking);
        await recordAudit(ctx, tx, {
          action: 'booking.created',
          entityType: 'booking',
          entityId: id,
          changes: {
            serviceId: service.id,
            startsAt: request.startsAt.toISOString(),
            status: booking.status,
            seats: request.seats,
          },
        });
        await ctx.notifier.bookingEvent(tx, tenant, booking, service, {
          type: 'created',
          manageToken,
        });
        return ok({ booking, manageToken });
      });
    } catch (err) {
      if (isExclusionViolation(err)) return fail(conflict(CREATE_FIELDS));
      if (err instanceof UniqueConstraintViolationException) {
        // Another request with the same idempotency key won the race: answer as a repeat.
        if (idempotency) {
          const repeated = await replay(ctx.em, idempotency.key, idempotency.print);
          if (repeated) return repeated;
        }
        // A reference that collided (about 1 in 10^11 per pair): draw another.
        if (attempt < 3 && String(err.message).includes('reference')) continue;
      }
      throw err;
    }
  }
}

/** Writes a new booking's row in `tx`'s transaction, with one plain statement. */
async function insertBooking(tx: EntityManager, tenantId: string, b: BookingView): Promise<void> {
  await tx.getConnection().execute(
    `insert into "booking" (id, created_at, updated_at, tenant_id, reference, service_id,
       resource_id, starts_at, ends_at, occupied_start, occupied_end, session_key, status, seats,
       customer_name, customer_email, customer_phone, notes, manage_token_hash, idempotency_key,
       sequence, request_fingerprint)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      b.id,
      b.createdAt,
      b.updatedAt,
      tenantId,
      b.reference,
      b.service.id,
      b.resource.id,
      b.startsAt,
      b.endsAt,
      b.occupiedStart,
      b.occupiedEnd,
      b.sessionKey,
      b.status,
      b.seats,
      b.customerName,
      b.customerEmail,
      b.customerPhone,
      b.notes,
      b.manageTokenHash,
      b.idempotencyKey,
      b.sequence,
      b.requestFingerprint,
    ],
    'run',
    tx.getTransactionContext(),
  );
}

/** The instants a booking of `service` starting at `startsAt` holds. */
function spanOf(service: BookableService, startsAt: Date) {
  const start = startsAt.getTime();
  const end = start + service.durationMinutes * 60_000;
  return {
    startsAt: new Date(start),
    endsAt: new Date(end),
    occupiedStart: new Date(start - service.bufferBeforeMinutes * 60_000),
    occupiedEnd: new Date(end + service.bufferAfterMinutes * 60_000),
  };
}

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

export type Transition = 'confirm' | 'cancel' | 'complete' | 'noShow';

/** The transitions the rules allow: PENDING -> CONFIRMED | CANCELLED; CONFIRMED -> CANCELLED | COMPLETED | NO_SHOW; COMPLETED <-> NO_SHOW. */
const TRANSITIONS: Record<
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
const MOVABLE: readonly BookingStatus[] = [BookingStatus.PENDING, BookingStatus.CONFIRMED];

const notFound = (what: string, field: string[]) =>
  fail<Booking>(userError(UserErrorCode.NOT_FOUND, `No booking ${what}`, field));

function invalidTransition(booking: Booking, verb: string): Result<Booking> {
  return fail(
    userError(UserErrorCode.INVALID_TRANSITION, `Cannot ${verb} a ${booking.status} booking`, [
      'id',
    ]),
  );
}

/** Who asked for a change: the business (an admin or its key) or the customer (their token). */
export type ChangedBy = 'admin' | 'customer';

async function applyTransition(
  ctx: RequestContext,
  where: { id: string },
  action: Transition,
  extra: { reason?: string | null; by: ChangedBy },
): Promise<Result<Booking>> {
  const tenant = requireTenant(ctx);
  const rule = TRANSITIONS[action];
  return ctx.em.transactional(async (tx) => {
    const booking = await tx.findOne(Booking, where, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!booking) return notFound(where.id, ['id']);
    if (!rule.from.includes(booking.status)) return invalidTransition(booking, rule.verb);
    if ((action === 'complete' || action === 'noShow') && ctx.now() < booking.startsAt.getTime()) {
      return fail(
        userError(
          UserErrorCode.INVALID_TRANSITION,
          `Cannot ${rule.verb} a booking before it starts`,
          ['id'],
        ),
      );
    }
    audit(ctx, tx, {
      action: `booking.${rule.to.toLowerCase()}`,
      entityType: 'booking',
      entityId: booking.id,
      changes: {
        from: booking.status,
        to: rule.to,
        ...(action === 'cancel' ? { reason: extra.reason?.trim() || null } : {}),
      },
      customerBookingId: extra.by === 'customer' ? booking.id : undefined,
    });
    booking.status = rule.to;
    if (action === 'cancel') {
      booking.cancelledAt = new Date(ctx.now());
      booking.cancellationReason = extra.reason?.trim() || null;
    }
    if (action === 'confirm' || action === 'cancel') {
      const service = await tx.findOneOrFail(Service, { id: booking.service.id });
      const event =
        action === 'confirm'
          ? ({ type: 'confirmed' } as const)
          : ({ type: 'cancelled', by: extra.by, reason: booking.cancellationReason } as const);
      await ctx.notifier.bookingEvent(tx, tenant, booking, service, event);
    }
    await tx.flush();
    return ok(booking);
  });
}

export async function transition(
  ctx: RequestContext,
  id: string,
  action: Transition,
  extra: { reason?: string | null; by: ChangedBy } = { by: 'admin' },
): Promise<Result<Booking>> {
  requireTenant(ctx);
  if (extra.reason != null && extra.reason.length > MAX_REASON) {
    return fail(invalid(['reason'], `reason must be at most ${MAX_REASON} characters`));
  }
  if (!isId(id)) return notFound(id, ['id']);
  return applyTransition(ctx, { id }, action, extra);
}

/**
 * Moves a PENDING or CONFIRMED booking to a new start under the resource lock and the same
 * checks as createBooking, in one transaction: the old time is released only if the new one
 * is taken. Its own current span does not count against it.
 */
async function moveBooking(
  ctx: RequestContext,
  bookingId: string,
  startsAt: Date,
  by: ChangedBy,
): Promise<Result<Booking>> {
  const tenant = requireTenant(ctx);
  const current = await ctx.em.findOne(Booking, { id: bookingId }, { populate: ['service'] });
  if (!current) return notFound(bookingId, ['id']);
  const service = current.service.getEntity();
  try {
    return await ctx.em.transactional(async (tx) => {
      const hours = await lockResource(tx, tenant.id, current.resource.id);
      const booking = await tx.findOneOrFail(
        Booking,
        { id: bookingId },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      if (!MOVABLE.includes(booking.status)) return invalidTransition(booking, 'reschedule');
      if (booking.startsAt.getTime() === startsAt.getTime()) return ok(booking);
      const problem = await whyNotBookable(
        tx,
        tenant,
        service,
        hours,
        startsAt,
        booking.seats,
        ctx.now(),
        MOVE_FIELDS,
        {
          excludeBookingId: booking.id,
        },
      );
      if (problem) return fail<Booking>(problem);
      const previous = { previousStartsAt: booking.startsAt, previousEndsAt: booking.endsAt };
      audit(ctx, tx, {
        action: 'booking.rescheduled',
        entityType: 'booking',
        entityId: booking.id,
        changes: { from: booking.startsAt.toISOString(), to: startsAt.toISOString() },
        customerBookingId: by === 'customer' ? booking.id : undefined,
      });
      Object.assign(booking, spanOf(service, startsAt));
      if (service.capacity > 1) booking.sessionKey = groupSessionKey(service.id, startsAt);
      await ctx.notifier.bookingEvent(tx, tenant, booking, service, {
        type: 'rescheduled',
        by,
        ...previous,
      });
      return ok(booking);
    });
  } catch (err) {
    if (isExclusionViolation(err)) return fail(conflict(MOVE_FIELDS));
    throw err;
  }
}

export async function rescheduleBooking(
  ctx: RequestContext,
  id: string,
  startsAt: Date,
): Promise<Result<Booking>> {
  requireTenant(ctx);
  if (!isId(id)) return notFound(id, ['id']);
  return moveBooking(ctx, id, startsAt, 'admin');
}

// ---------------------------------------------------------------------------------------------
// Customer self-service with the manage token
// ---------------------------------------------------------------------------------------------

/** The booking a manage token belongs to, in this tenant only; null for anything else. */
export async function bookingByToken(ctx: RequestContext, token: string): Promise<Booking | null> {
  requireTenant(ctx);
  if (!token.startsWith(`${MANAGE_TOKEN_PREFIX}_`) || token.length > 100) return null;
  return ctx.em.findOne(Booking, { manageTokenHash: sha256Hex(token) });
}

async function changeableByCustomer(ctx: RequestContext, token: string): Promise<Result<Booking>> {
  const tenant = requireTenant(ctx);
  const booking = await bookingByToken(ctx, token);
  if (!booking)
    return fail(userError(UserErrorCode.NOT_FOUND, 'No booking for this token', ['token']));
  const deadline = booking.startsAt.getTime() - tenant.cancellationNoticeMinutes * 60_000;
  if (ctx.now() > deadline && MOVABLE.includes(booking.status)) {
    return fail(
      userError(
        UserErrorCode.TOO_LATE_TO_CHANGE,
        `Changes are possible until ${tenant.cancellationNoticeMinutes} minutes before the start; please contact the business`,
        ['token'],
      ),
    );
  }
  return ok(booking);
}

export async function cancelBookingByToken(
  ctx: RequestContext,
  token: string,
  reason: string | null | undefined,
): Promise<Result<Booking>> {
  const found = await changeableByCustomer(ctx, token);
  if (!found.ok) return found;
  return transition(ctx, found.value.id, 'cancel', { reason, by: 'customer' });
}

export async function rescheduleBookingByToken(
  ctx: RequestContext,
  token: string,
  startsAt: Date,
): Promise<Result<Booking>> {
  const found = await changeableByCustomer(ctx, token);
  if (!found.ok) return found;
  return moveBooking(ctx, found.value.id, startsAt, 'customer');
}

export async function findBooking(ctx: RequestContext, id: string): Promise<Booking | null> {
  requireTenant(ctx);
  return isId(id) ? ctx.em.findOne(Booking, { id }) : null;
}
