import { randomUUID } from 'node:crypto';
import { resourceCondition, staffScope } from '../access/scope.js';
import { audit } from '../audit/audit.js';
import type { BookingView } from '../bookings/booking.entity.js';
import { lockAllResources, lockResourceHours } from '../bookings/booking.store.js';
import { findResource, firstResource } from '../catalog/catalog.service.js';
import type { Resource } from '../catalog/resource.entity.js';
import type { RequestContext } from '../context/request-context.js';
import {
  formatLocalTime,
  MINUTES_PER_DAY,
  type MinuteWindow,
  mergeWeekdayWindows,
  mergeWindows,
  parseLocalTime,
} from '../scheduling/local-time.js';
import { fail, notFound, ok, type Result, UserErrorCode, userError } from '../shared/errors.js';
import {
  checkInstantRange,
  checkLocalDateRange,
  isId,
  validateInput,
} from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { affectedChanges, settle, strandedBy, strandedByBlackout } from './affected.js';
import {
  type AffectedArgs,
  type BlackoutInput,
  DateOverrideType,
  TimeWindow,
  type TimeWindowInput,
  WEEKDAYS,
  WeeklyWindow,
  type WeeklyWindowInput,
} from './availability.types.js';
import { Blackout } from './blackout.entity.js';
import { DateOverride } from './date-override.entity.js';

/** Longest range `dateOverrides` and `blackouts` answer for in one call. */
const MAX_LISTING_DAYS = 366;

/** The resource named by `resourceId`, or the tenant's first resource when it is omitted. */
async function resourceOrFirst(
  ctx: RequestContext,
  resourceId: string | null | undefined,
  field: string[],
): Promise<Result<Resource>> {
  requireTenant(ctx);
  if (resourceId == null) return ok(await firstResource(ctx));
  const resource = await findResource(ctx, resourceId);
  return resource ? ok(resource) : fail(notFound(`resource ${resourceId}`, ...field));
}

/** HH:mm windows (already valid) as minutes since local midnight. */
const toMinutes = (windows: readonly TimeWindowInput[]): MinuteWindow[] =>
  windows.map((w) => ({
    start: parseLocalTime(w.startTime) ?? 0,
    end: parseLocalTime(w.endTime) ?? MINUTES_PER_DAY,
  }));

export function weeklyWindowsOf(resource: Resource): WeeklyWindow[] {
  return resource.weeklyPattern.map((w) =>
    Object.assign(new WeeklyWindow(), {
      weekday: WEEKDAYS[w.weekday - 1],
      startTime: formatLocalTime(w.start),
      endTime: formatLocalTime(w.end),
    }),
  );
}

const toTimeWindows = (windows: readonly MinuteWindow[]) =>
  windows.map((w) =>
    Object.assign(new TimeWindow(), {
      startTime: formatLocalTime(w.start),
      endTime: formatLocalTime(w.end),
    }),
  );

/** A change of a resource's availability, and the open bookings it leaves outside it. */
interface ResourceChange {
  resource: Resource;
  affectedBookings: BookingView[];
}

/** Validates the windows and the choice for stranded bookings, with their paths. */
async function checked(windows: readonly TimeWindowInput[], affected: AffectedArgs) {
  return [...(await validateInput(windows, ['windows'])), ...(await validateInput(affected, []))];
}

/** Replaces the resource's whole weekly pattern (one row update, so one transaction). */
export async function setWeeklyWindows(
  ctx: RequestContext,
  resourceId: string | null | undefined,
  windows: readonly WeeklyWindowInput[],
  affected: AffectedArgs,
): Promise<Result<ResourceChange>> {
  const found = await resourceOrFirst(ctx, resourceId, ['resourceId']);
  if (!found.ok) return found;
  const errors = await checked(windows, affected);
  if (errors.length) return fail(...errors);
  const withDays = toMinutes(windows).map((m, i) => ({
    weekday: WEEKDAYS.indexOf((windows[i] as WeeklyWindowInput).weekday) + 1,
    ...m,
  }));
  const pattern = mergeWeekdayWindows(withDays);
  const resource = found.value;
  return ctx.em.transactional(async (tx) => {
    // Under the lock bookings take: none lands between the check below and the change.
    const hours = await lockResourceHours(tx, resource.id);
    const stranded = await strandedBy(ctx, tx, hours, (h) => ({ ...h, weeklyWindows: pattern }));
    resource.weeklyPattern = pattern;
    await audit(ctx, tx, {
      action: 'hours.weekly_set',
      entityType: 'resource',
      entityId: resource.id,
      changes: { windows: weeklyWindowsOf(resource), ...affectedChanges(stranded, affected) },
    });
    return ok({ resource, affectedBookings: await settle(ctx, tx, stranded, affected) });
  });
}

export async function setDateOverride(
  ctx: RequestContext,
  resourceId: string | null | undefined,
  date: string,
  windows: readonly TimeWindowInput[],
  affected: AffectedArgs,
): Promise<Result<ResourceChange>> {
  const tenant = requireTenant(ctx);
  const found = await resourceOrFirst(ctx, resourceId, ['resourceId']);
  if (!found.ok) return found;
  const errors = await checked(windows, affected);
  if (errors.length) return fail(...errors);
  const merged = mergeWindows(toMinutes(windows));
  const resource = found.value;
  // One INSERT ... ON CONFLICT: a row that exists keeps its id; plain data needs its own id and times.
  const now = new Date();
  return ctx.em.transactional(async (tx) => {
    const hours = await lockResourceHours(tx, resource.id);
    const stranded = await strandedBy(ctx, tx, hours, (h) => ({
      ...h,
      overrides: new Map(h.overrides).set(date, merged),
    }));
    await tx.upsert(
      DateOverride,
      { id: randomUUID(), createdAt: now, updatedAt: now, tenant, resource, date, windows: merged },
      {
        onConflictFields: ['resource', 'date'],
        onConflictAction: 'merge',
        onConflictMergeFields: ['windows', 'updatedAt'],
      },
    );
    await audit(ctx, tx, {
      action: 'hours.date_override_set',
      entityType: 'resource',
      entityId: resource.id,
      changes: {
        date,
        windows: windows.map((w) => `${w.startTime}-${w.endTime}`),
        ...affectedChanges(stranded, affected),
      },
    });
    return ok({ resource, affectedBookings: await settle(ctx, tx, stranded, affected) });
  });
}

export async function clearDateOverride(
  ctx: RequestContext,
  resourceId: string | null | undefined,
  date: string,
  affected: AffectedArgs,
): Promise<Result<ResourceChange>> {
  const found = await resourceOrFirst(ctx, resourceId, ['resourceId']);
  if (!found.ok) return found;
  const errors = await validateInput(affected, []);
  if (errors.length) return fail(...errors);
  const resource = found.value;
  return ctx.em.transactional(async (tx) => {
    const hours = await lockResourceHours(tx, resource.id);
    const stranded = await strandedBy(ctx, tx, hours, (h) => {
      const overrides = new Map(h.overrides);
      overrides.delete(date);
      return { ...h, overrides };
    });
    await tx.nativeDelete(DateOverride, { resource, date });
    await audit(ctx, tx, {
      action: 'hours.date_override_cleared',
      entityType: 'resource',
      entityId: resource.id,
      changes: { date, ...affectedChanges(stranded, affected) },
    });
    return ok({ resource, affectedBookings: await settle(ctx, tx, stranded, affected) });
  });
}

export async function dateOverridesOf(
  ctx: RequestContext,
  resource: Resource,
  from: string,
  to: string,
): Promise<DateOverrideType[]> {
  checkLocalDateRange(from, to, MAX_LISTING_DAYS);
  const rows = await ctx.em.find(
    DateOverride,
    { resource, date: { $gte: from, $lte: to } },
    { orderBy: { date: 'asc' } },
  );
  return rows.map((row) =>
    Object.assign(new DateOverrideType(), { date: row.date, windows: toTimeWindows(row.windows) }),
  );
}

export async function createBlackout(
  ctx: RequestContext,
  input: BlackoutInput,
  affected: AffectedArgs,
): Promise<Result<{ blackout: Blackout; affectedBookings: BookingView[] }>> {
  const tenant = requireTenant(ctx);
  const errors = [
    ...(await validateInput(input, ['input'])),
    ...(await validateInput(affected, [])),
  ];
  let resource: Resource | null = null;
  if (input.resourceId != null) {
    resource = await findResource(ctx, input.resourceId);
    if (!resource) errors.push(notFound(`resource ${input.resourceId}`, 'input', 'resourceId'));
  } else if (staffScope(ctx)) {
    errors.push(
      userError(
        UserErrorCode.NOT_ALLOWED,
        'input.resourceId is required for STAFF: a blackout of every resource is for an ADMIN',
        ['input', 'resourceId'],
      ),
    );
  }
  if (errors.length) return fail(...errors);
  return ctx.em.transactional(async (tx) => {
    // The rows bookings lock: none lands in the blackout unseen while it is laid.
    if (resource) await lockResourceHours(tx, resource.id);
    else await lockAllResources(tx);
    const span = { start: input.startsAt, end: input.endsAt };
    const stranded = await strandedByBlackout(ctx, tx, resource?.id ?? null, span);
    const blackout = tx.create(Blackout, {
      tenant,
      resource,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      reason: input.reason ?? null,
    });
    await tx.flush();
    await audit(ctx, tx, {
      action: 'blackout.created',
      entityType: 'blackout',
      entityId: blackout.id,
      changes: {
        resourceId: input.resourceId ?? null,
        startsAt: input.startsAt.toISOString(),
        endsAt: input.endsAt.toISOString(),
        reason: input.reason ?? null,
        ...affectedChanges(stranded, affected),
      },
    });
    return ok({ blackout, affectedBookings: await settle(ctx, tx, stranded, affected) });
  });
}

export async function deleteBlackout(ctx: RequestContext, id: string): Promise<Result<string>> {
  requireTenant(ctx);
  if (!isId(id)) return fail(notFound(`blackout ${id}`, 'id'));
  const deleted = await ctx.em.transactional(async (tx) => {
    // STAFF delete only their resources' blackouts; others answer like unknown ones.
    const count = await tx.nativeDelete(Blackout, { id, ...resourceCondition(ctx) });
    if (count)
      await audit(ctx, tx, { action: 'blackout.deleted', entityType: 'blackout', entityId: id });
    return count;
  });
  return deleted ? ok(id) : fail(notFound(`blackout ${id}`, 'id'));
}

/** Blackouts that overlap [from, to), in start order; STAFF see their resources' and the tenant-wide. */
export async function listBlackouts(
  ctx: RequestContext,
  from: Date,
  to: Date,
): Promise<Blackout[]> {
  requireTenant(ctx);
  checkInstantRange(from, to, MAX_LISTING_DAYS);
  return ctx.em.find(
    Blackout,
    {
      startsAt: { $lt: to },
      endsAt: { $gt: from },
      ...(staffScope(ctx) ? { $or: [resourceCondition(ctx), { resource: null }] } : {}),
    },
    { orderBy: { startsAt: 'asc', id: 'asc' } },
  );
}
