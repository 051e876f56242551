import { randomUUID } from 'node:crypto';
import {
  DriverException,
  ForeignKeyConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../access/role.js';
import { inScope, resourceCondition } from '../access/scope.js';
import { newToken, sha256Hex } from '../access/secrets.js';
import { audit } from '../audit/audit.js';
import { AssignmentPolicy } from '../catalog/assignment.js';
import { Service } from '../catalog/service.entity.js';
import type { RequestContext } from '../context/request-context.js';
import { BookingEventType } from '../events/booking-event-type.js';
import { recordBookingEvent } from '../events/booking-events.js';
import { dropBookingReminders, planBookingReminders } from '../reminders/reminders.js';
import {
  type Bookable,
  findBookableService,
  lastAssignments,
  type ResourceHours,
} from '../scheduling/slot.store.js';
import type { MemberQuery } from '../scheduling/slot-engine.js';
import { loadSlotQueries, policyOrder } from '../scheduling/slots.service.js';
import { localDateOf, windowDatesOf } from '../scheduling/zone-time.js';
import {
  fail,
  notFound,
  ok,
  type Result,
  type UserError,
  UserErrorCode,
  userError,
} from '../shared/errors.js';
import { answerEvenly } from '../shared/even-answer.js';
import { isId, validateInput } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import type { Tenant } from '../tenancy/tenant.entity.js';
import { Booking, type BookingView } from './booking.entity.js';
import {
  insertBooking,
  lockBooking,
  lockResources,
  occupancies,
  occupyAlso,
  releaseAlso,
  updateBooking,
} from './booking.store.js';
import type { BookingDetailsInput, CancelArgs, CreateBookingInput } from './booking.types.js';
import * as rules from './booking-rules.js';

// Booking, changing and cancelling in one transaction each: lock, check, write, audit, notify.

const MANAGE_TOKEN_PREFIX = 'bkm';
/** PostgreSQL's exclusion_violation: booking_resource_no_overlap refused an occupancy. */
const EXCLUSION_VIOLATION = '23P01';
const BYPASS_FIELD = ['input', 'bypassPolicy'];

function isExclusionViolation(err: unknown): boolean {
  return err instanceof DriverException && err.code === EXCLUSION_VIOLATION;
}

/** What a start is checked as: where a refusal points, the booking moved, past the rules. */
interface CheckOf {
  fields: rules.BookingFields;
  excludeBookingId?: string;
  bypassPolicy: boolean;
}

/** Null when `startsAt` is bookable on the resource as committed now; else why not. */
function checkMember(
  member: MemberQuery,
  active: boolean,
  start: { startsAt: Date; seats: number },
  check: CheckOf,
) {
  if (!active) {
    const why = 'This resource is out of service: it takes no bookings';
    return userError(UserErrorCode.SLOT_UNAVAILABLE, why, check.fields.startsAt);
  }
  const { startsAt, seats } = start;
  return rules.whyNotBookable(member.query, startsAt, seats, check.fields, check.bypassPolicy);
}

/** What a booking of a pooled service takes: a member of the pool and one of each requirement. */
interface Assigned {
  resourceId: string;
  /** One per requirement, in the service's order. */
  requirementIds: string[];
}

/**
 * Picks, under the locks of every candidate, the pool member the policy puts first among
 * those the rules allow at the start (`keep` first when it is free: a move keeps its
 * resources), and the first free member of each requirement in priority order.
 */
async function assign(
  tx: EntityManager,
  ctx: RequestContext,
  bookable: Bookable,
  candidates: readonly ResourceHours[],
  start: { startsAt: Date; seats: number },
  check: CheckOf,
  keep?: Assigned,
): Promise<Result<Assigned>> {
  const tenant = requireTenant(ctx);
  const { service, requirements } = bookable;
  const every = [
    ...new Map([...candidates, ...requirements.flat()].map((r) => [r.id, r])).values(),
  ];
  const locked = await lockResources(
    tx,
    every.map((r) => r.id),
  );
  // What every candidate looks like as committed now, in three statements.
  const range = { ...windowDatesOf(start.startsAt.getTime(), tenant.timeZone), now: ctx.now() };
  const hours = every.map((r) => locked.get(r.id) ?? r);
  const loaded = new Map(
    (await loadSlotQueries(tx, tenant, service, hours, range, check.excludeBookingId)).map((m) => [
      m.id,
      m,
    ]),
  );
  const load = (r: ResourceHours) => loaded.get(r.id) as MemberQuery;
  const members = candidates.map(load);
  const lastAssigned =
    service.assignment === AssignmentPolicy.ROUND_ROBIN && members.length > 1
      ? await lastAssignments(tx, service.id)
      : new Map<string, number>();
  const date = localDateOf(start.startsAt.getTime(), tenant.timeZone);
  const ordered = policyOrder(
    service.assignment,
    members,
    tenant.timeZone,
    lastAssigned,
  )(
    members.map((m) => m.id),
    start.startsAt.getTime(),
    date,
  );
  if (keep && ordered.includes(keep.resourceId)) {
    ordered.splice(ordered.indexOf(keep.resourceId), 1);
    ordered.unshift(keep.resourceId);
  }
  let firstProblem: UserError | null = null;
  let resourceId: string | null = null;
  for (const id of ordered) {
    const member = members.find((m) => m.id === id) as MemberQuery;
    const problem = checkMember(member, locked.get(id)?.active ?? false, start, check);
    if (!problem) {
      resourceId = id;
      break;
    }
    firstProblem ??= problem;
  }
  if (!resourceId) return fail(firstProblem ?? rules.conflict(check.fields));
  const requirementIds: string[] = [];
  for (const [n, list] of requirements.entries()) {
    const mine = keep?.requirementIds[n];
    const tried = mine
      ? [...list.filter((r) => r.id === mine), ...list.filter((r) => r.id !== mine)]
      : list;
    let picked: string | null = null;
    for (const r of tried) {
      const problem = checkMember(load(r), locked.get(r.id)?.active ?? false, start, check);
      if (!problem) {
        picked = r.id;
        break;
      }
    }
    if (!picked) {
      const label = bookable.labels[n] ?? 'resource';
      return fail(
        userError(
          UserErrorCode.BOOKING_CONFLICT,
          `No ${label} is free for this time (the service needs one)`,
          check.fields.startsAt,
        ),
      );
    }
    requirementIds.push(picked);
  }
  return ok({ resourceId, requirementIds });
}

interface CreatedBooking {
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

/** Public: books a start under the resource lock; the exclusion constraint backs the lock. */
export async function createBooking(
  ctx: RequestContext,
  input: CreateBookingInput,
): Promise<Result<CreatedBooking>> {
  const tenant = requireTenant(ctx);
  const errors = await validateInput(input, ['input']);
  if (errors.length) return fail(...errors);
  const request = rules.normalise(input);
  const bookable = isId(request.serviceId)
    ? await findBookableService(ctx.em, request.serviceId)
    : null;
  if (!bookable) {
    errors.push(notFound(`active service ${request.serviceId}`, 'input', 'serviceId'));
  } else {
    const problem = rules.seatsProblem(request, bookable.service);
    if (problem) errors.push(problem);
  }
  // The customer's choice of the pool, or all of it; STAFF past the rules: their own only.
  let candidates = bookable?.pool ?? [];
  if (bookable && request.resourceId) {
    candidates = candidates.filter((r) => r.id === request.resourceId);
    if (!candidates.length) {
      errors.push(
        notFound(`resource ${request.resourceId} in the service's pool`, 'input', 'resourceId'),
      );
    }
  }
  if (request.bypassPolicy && ctx.actor?.role === Role.STAFF) {
    candidates = candidates.filter((r) => inScope(ctx, r.id));
  }
  const own = candidates.length > 0;
  const refused = request.bypassPolicy && rules.bypassRefused(ctx.actor?.role, own, BYPASS_FIELD);
  if (refused) errors.push(refused);
  if (errors.length || !bookable) return fail(...errors);
  // Only a request with an idempotency key is compared with an earlier one.
  const print = request.idempotencyKey ? rules.fingerprint(request) : null;
  if (request.idempotencyKey && print) {
    const repeated = await replay(ctx.em, request.idempotencyKey, print);
    if (repeated) return repeated;
  }
  for (let attempt = 0; ; attempt++) {
    try {
      // Plain statements only: a fork with nothing of the request's unit of work to flush.
      return await ctx.em.transactional(
        (tx) => insertChecked(ctx, tx, tenant, bookable, candidates, request, print),
        { clear: true },
      );
    } catch (err) {
      if (isExclusionViolation(err)) return fail(rules.conflict(rules.CREATE_FIELDS));
      // The service was deleted since it was read.
      if (err instanceof ForeignKeyConstraintViolationException)
        return fail(notFound(`active service ${request.serviceId}`, 'input', 'serviceId'));
      if (err instanceof UniqueConstraintViolationException) {
        // Another request with the same idempotency key won the race: answer as a repeat.
        if (request.idempotencyKey && print) {
          const repeated = await replay(ctx.em, request.idempotencyKey, print);
          if (repeated) return repeated;
        }
        // A reference that collided (about 1 in 10^11 per pair): draw another.
        if (attempt < 3 && String(err.message).includes('reference')) continue;
      }
      throw err;
    }
  }
}

async function insertChecked(
  ctx: RequestContext,
  tx: EntityManager,
  tenant: Tenant,
  bookable: Bookable,
  candidates: readonly ResourceHours[],
  request: rules.BookingRequest,
  print: string | null,
): Promise<Result<CreatedBooking>> {
  const service = bookable.service;
  const assigned = await assign(tx, ctx, bookable, candidates, request, {
    fields: rules.CREATE_FIELDS,
    bypassPolicy: request.bypassPolicy,
  });
  // A repeat that waited for the locks behind the request it repeats finds that booking now.
  if (request.idempotencyKey && print) {
    const repeated = await replay(tx, request.idempotencyKey, print);
    if (repeated) return repeated;
  }
  if (!assigned.ok) return assigned;
  const resourceId = assigned.value.resourceId;
  const manageToken = newToken(MANAGE_TOKEN_PREFIX);
  const booking = rules.newBooking(tenant.id, service, resourceId, request, {
    id: randomUUID(),
    now: new Date(),
    manageTokenHash: sha256Hex(manageToken),
    manageTokenSealed: ctx.notifier.seal(manageToken),
    fingerprint: print,
  });
  await insertBooking(tx, booking);
  await occupyAlso(tx, booking, assigned.value.requirementIds);
  await audit(ctx, tx, {
    action: 'booking.created',
    entityType: 'booking',
    entityId: booking.id,
    changes: {
      serviceId: service.id,
      startsAt: request.startsAt.toISOString(),
      status: booking.status,
      seats: request.seats,
      ...(request.bypassPolicy ? { bypassPolicy: true } : {}),
    },
  });
  await ctx.notifier.bookingEvent(tx, tenant, booking, service, { type: 'created' });
  // Without a credential, the customer books on the business's site.
  await recordBookingEvent(ctx, tx, BookingEventType.CREATED, booking, {
    byCustomer: !ctx.actor,
    resourceIds: [resourceId, ...assigned.value.requirementIds],
  });
  // A booking that waits for the business's confirmation is reminded once confirmed.
  await planBookingReminders(ctx, tx, booking.id);
  return ok({ booking, manageToken });
}

/** Who asked for a change: the business (an admin or its key) or the customer (their token). */
type ChangedBy = 'admin' | 'customer';

const noBooking = (id: string) => fail<BookingView>(notFound(`booking ${id}`, 'id'));

/** The booking locked in `tx` when the caller may change it: STAFF only on their resources. */
async function lockForChange(ctx: RequestContext, tx: EntityManager, id: string, by: ChangedBy) {
  const booking = await lockBooking(tx, id);
  // A customer's token names its booking, whoever else the caller is.
  return booking && (by === 'customer' || inScope(ctx, booking.resource.id)) ? booking : null;
}

export async function transition(
  ctx: RequestContext,
  id: string,
  action: rules.Transition,
  extra: { reason?: string | null; by: ChangedBy } = { by: 'admin' },
): Promise<Result<BookingView>> {
  requireTenant(ctx);
  if (!isId(id)) return noBooking(id);
  return ctx.em.transactional(async (tx) => {
    const booking = await lockForChange(ctx, tx, id, extra.by);
    if (!booking) return noBooking(id);
    return transitionIn(ctx, tx, booking, action, extra);
  });
}

const EVENT_OF: Record<rules.Transition, BookingEventType> = {
  confirm: BookingEventType.CONFIRMED,
  cancel: BookingEventType.CANCELLED,
  complete: BookingEventType.COMPLETED,
  noShow: BookingEventType.NO_SHOW,
};

/** Changes the status of a booking the caller locked in `tx`: audited, the customer told. */
export async function transitionIn(
  ctx: RequestContext,
  tx: EntityManager,
  booking: BookingView,
  action: rules.Transition,
  extra: { reason?: string | null; by: ChangedBy },
): Promise<Result<BookingView>> {
  const tenant = requireTenant(ctx);
  const rule = rules.TRANSITIONS[action];
  const reason = extra.reason?.trim() || null;
  if (!rule.from.includes(booking.status)) return fail(rules.invalidTransition(booking, rule.verb));
  if ((action === 'complete' || action === 'noShow') && ctx.now() < booking.startsAt.getTime()) {
    return fail(
      userError(
        UserErrorCode.INVALID_TRANSITION,
        `Cannot ${rule.verb} a booking before it starts`,
        ['id'],
      ),
    );
  }
  await audit(ctx, tx, {
    action: `booking.${rule.to.toLowerCase()}`,
    entityType: 'booking',
    entityId: booking.id,
    changes: {
      from: booking.status,
      to: rule.to,
      ...(action === 'cancel' ? { reason } : {}),
    },
    customerBookingId: extra.by === 'customer' ? booking.id : undefined,
  });
  // Confirming and cancelling tell the customer, with the invite's next SEQUENCE.
  const notify = action === 'confirm' || action === 'cancel';
  const changed = await updateBooking(tx, booking, {
    status: rule.to,
    ...(action === 'cancel'
      ? { cancelledAt: new Date(ctx.now()), cancellationReason: reason }
      : {}),
    ...(notify ? { sequence: booking.sequence + 1 } : {}),
  });
  if (notify) {
    const event =
      action === 'confirm'
        ? ({ type: 'confirmed' } as const)
        : ({ type: 'cancelled', by: extra.by, reason } as const);
    const service = await tx.findOneOrFail(Service, { id: changed.service.id });
    await ctx.notifier.bookingEvent(tx, tenant, changed, service, event);
  }
  await recordBookingEvent(ctx, tx, EVENT_OF[action], changed, {
    byCustomer: extra.by === 'customer',
  });
  if (action === 'confirm') await planBookingReminders(ctx, tx, changed.id);
  else await dropBookingReminders(ctx, tx, changed.id, `the booking is ${rule.to.toLowerCase()}`);
  return ok(changed);
}

/** Moves a booking under the same lock and checks; its own current span does not count. */
async function moveBooking(
  ctx: RequestContext,
  bookingId: string,
  startsAt: Date,
  by: ChangedBy,
  bypassPolicy = false,
): Promise<Result<BookingView>> {
  const tenant = requireTenant(ctx);
  const current = await ctx.em.findOne(Booking, { id: bookingId });
  if (!current || (by === 'admin' && !inScope(ctx, current.resource.id))) {
    return noBooking(bookingId);
  }
  const bookable = await findBookableService(ctx.em, current.service.id, false);
  if (!bookable) throw new Error(`the pool of service ${current.service.id} is missing`);
  const service = bookable.service;
  // STAFF keep a booking on their own resources.
  const candidates = bookable.pool.filter((r) => by === 'customer' || inScope(ctx, r.id));
  try {
    return await ctx.em.transactional(async (tx) => {
      const booking = await lockForChange(ctx, tx, bookingId, by);
      if (!booking) return noBooking(bookingId);
      if (!rules.MOVABLE.includes(booking.status))
        return fail(rules.invalidTransition(booking, 'reschedule'));
      if (booking.startsAt.getTime() === startsAt.getTime()) return ok(booking);
      // Its own resource first, then one of each requirement.
      const [, ...also] = (await occupancies(tx, [booking.id])).map((o) => o.resourceId);
      const keep = {
        resourceId: booking.resource.id,
        requirementIds: bookable.requirements.map(
          (list) => list.find((r) => also.includes(r.id))?.id ?? '',
        ),
      };
      const assigned = await assign(
        tx,
        ctx,
        bookable,
        candidates,
        { startsAt, seats: booking.seats },
        { fields: rules.MOVE_FIELDS, excludeBookingId: booking.id, bypassPolicy },
        keep,
      );
      if (!assigned.ok) return assigned;
      await audit(ctx, tx, {
        action: 'booking.rescheduled',
        entityType: 'booking',
        entityId: booking.id,
        changes: {
          from: booking.startsAt.toISOString(),
          to: startsAt.toISOString(),
          ...(bypassPolicy ? { bypassPolicy: true } : {}),
        },
        customerBookingId: by === 'customer' ? booking.id : undefined,
      });
      // The further resources are picked again: dropped first, written again after the move.
      await releaseAlso(tx, booking);
      const moved = await updateBooking(tx, booking, {
        ...rules.spanOf(service, startsAt),
        sessionKey: rules.sessionKeyOf(service, startsAt, booking.id),
        sequence: booking.sequence + 1,
        resource: { id: assigned.value.resourceId },
      });
      await occupyAlso(tx, moved, assigned.value.requirementIds);
      await ctx.notifier.bookingEvent(tx, tenant, moved, service, {
        type: 'rescheduled',
        by,
        previousStartsAt: booking.startsAt,
        previousEndsAt: booking.endsAt,
      });
      await recordBookingEvent(ctx, tx, BookingEventType.RESCHEDULED, moved, {
        byCustomer: by === 'customer',
        resourceIds: [assigned.value.resourceId, ...assigned.value.requirementIds],
      });
      await planBookingReminders(ctx, tx, moved.id, 'the booking moved: replaced');
      return ok(moved);
    });
  } catch (err) {
    if (isExclusionViolation(err)) return fail(rules.conflict(rules.MOVE_FIELDS));
    throw err;
  }
}

export async function rescheduleBooking(
  ctx: RequestContext,
  id: string,
  startsAt: Date,
  bypassPolicy = false,
): Promise<Result<BookingView>> {
  requireTenant(ctx);
  // Whose booking it is, STAFF or not, the move's lookup decides (another's answers NOT_FOUND).
  const own = ctx.actor?.role === Role.STAFF;
  const refused = bypassPolicy && rules.bypassRefused(ctx.actor?.role, own, ['bypassPolicy']);
  if (refused) return fail(refused);
  if (!isId(id)) return noBooking(id);
  return moveBooking(ctx, id, startsAt, 'admin', bypassPolicy);
}

/** ADMIN, STAFF on their resources: the customer's name, email, phone and notes; audited without their values. */
export async function updateBookingDetails(
  ctx: RequestContext,
  id: string,
  input: BookingDetailsInput,
): Promise<Result<BookingView>> {
  requireTenant(ctx);
  const errors = await validateInput(input, ['input']);
  if (errors.length) return fail(...errors);
  if (!isId(id)) return noBooking(id);
  const { name, email, phone, notes } = input;
  const changes = {
    ...(name != null ? { customerName: name.trim() } : {}),
    ...(email != null ? { customerEmail: email.trim().toLowerCase() } : {}),
    ...(phone !== undefined ? { customerPhone: phone?.trim() || null } : {}),
    ...(notes !== undefined ? { notes: notes?.trim() || null } : {}),
  };
  return ctx.em.transactional(async (tx) => {
    const booking = await lockForChange(ctx, tx, id, 'admin');
    if (!booking) return noBooking(id);
    const changed = Object.fromEntries(Object.keys(changes).map((k) => [k, '(changed)']));
    await audit(ctx, tx, {
      action: 'booking.details_updated',
      entityType: 'booking',
      entityId: id,
      changes: changed,
    });
    const updated = await updateBooking(tx, booking, changes);
    await recordBookingEvent(ctx, tx, BookingEventType.DETAILS_UPDATED, updated);
    return ok(updated);
  });
}

/**
 * ADMIN, STAFF on their resources: emails the customer the manage link again. A booking made
 * before bookings kept their token gets a new one (the old link stops working).
 */
export async function resendManageLink(
  ctx: RequestContext,
  id: string,
): Promise<Result<BookingView>> {
  const tenant = requireTenant(ctx);
  if (!isId(id)) return noBooking(id);
  return ctx.em.transactional(async (tx) => {
    const booking = await lockForChange(ctx, tx, id, 'admin');
    if (!booking) return noBooking(id);
    let current = booking;
    if (!booking.manageTokenSealed) {
      const token = newToken(MANAGE_TOKEN_PREFIX);
      current = await updateBooking(tx, booking, {
        manageTokenHash: sha256Hex(token),
        manageTokenSealed: ctx.notifier.seal(token),
      });
    }
    await audit(ctx, tx, {
      action: 'booking.manage_link_sent',
      entityType: 'booking',
      entityId: id,
    });
    const service = await tx.findOneOrFail(Service, { id: booking.service.id });
    await ctx.notifier.bookingEvent(tx, tenant, current, service, { type: 'manage_link' });
    return ok(current);
  });
}

/**
 * Public: a customer who lost the email asks for the link with the reference and the email.
 * It answers true either way, no sooner than EVEN_ANSWER_MS, and mails the link only when
 * both match one booking; limited per reference here, per address as every public write.
 */
export async function requestManageLink(
  ctx: RequestContext,
  reference: string,
  email: string,
): Promise<boolean> {
  const tenant = requireTenant(ctx);
  const started = performance.now();
  const ref = reference.trim().toUpperCase();
  await ctx.limits.consume(
    'manageLinkBooking',
    `${tenant.id}:${ref.slice(0, 40)}`,
    'link emails for this booking',
  );
  const found = await ctx.em.findOne(
    Booking,
    { reference: ref, customerEmail: email.trim().toLowerCase() },
    { fields: ['id'] },
  );
  if (found) {
    // As the system: the customer has no credential, and the business did not ask.
    await resendManageLink({ ...ctx, actor: null }, found.id);
  }
  await answerEvenly(started);
  return true;
}

// Customer self-service with the manage token.

/** The booking a manage token belongs to, in this tenant only; null for anything else. */
export async function bookingByToken(ctx: RequestContext, token: string): Promise<Booking | null> {
  requireTenant(ctx);
  if (!token.startsWith(`${MANAGE_TOKEN_PREFIX}_`) || token.length > 100) return null;
  return ctx.em.findOne(Booking, { manageTokenHash: sha256Hex(token) });
}

async function changeableByCustomer(ctx: RequestContext, token: string): Promise<Result<Booking>> {
  const tenant = requireTenant(ctx);
  const booking = await bookingByToken(ctx, token);
  if (!booking) return fail(notFound('booking for this token', 'token'));
  if (rules.tooLateForCustomer(booking, tenant.cancellationNoticeMinutes, ctx.now())) {
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

/** Cancels a booking with an optional reason, for the business or (by token) the customer. */
export async function cancel(
  ctx: RequestContext,
  id: string,
  args: CancelArgs,
  by: ChangedBy,
): Promise<Result<BookingView>> {
  const errors = await validateInput(args, []);
  if (errors.length) return fail(...errors);
  return transition(ctx, id, 'cancel', { reason: args.reason, by });
}

export async function cancelBookingByToken(
  ctx: RequestContext,
  token: string,
  args: CancelArgs,
): Promise<Result<BookingView>> {
  const found = await changeableByCustomer(ctx, token);
  if (!found.ok) return found;
  return cancel(ctx, found.value.id, args, 'customer');
}

export async function rescheduleBookingByToken(
  ctx: RequestContext,
  token: string,
  startsAt: Date,
): Promise<Result<BookingView>> {
  const found = await changeableByCustomer(ctx, token);
  if (!found.ok) return found;
  return moveBooking(ctx, found.value.id, startsAt, 'customer');
}

export async function findBooking(ctx: RequestContext, id: string): Promise<Booking | null> {
  requireTenant(ctx);
  return isId(id) ? ctx.em.findOne(Booking, { id, ...resourceCondition(ctx) }) : null;
}
