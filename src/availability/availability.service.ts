import { randomUUID } from 'node:crypto';
import { audit, audited } from '../audit/audit.js';
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
import { fail, notFound, ok, type Result } from '../shared/errors.js';
import {
  checkInstantRange,
  checkLocalDateRange,
  isId,
  validateInput,
} from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import {
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

/** Replaces the resource's whole weekly pattern (one row update, so one transaction). */
export async function setWeeklyWindows(
  ctx: RequestContext,
  resourceId: string | null | undefined,
  windows: readonly WeeklyWindowInput[],
): Promise<Result<Resource>> {
  const found = await resourceOrFirst(ctx, resourceId, ['resourceId']);
  if (!found.ok) return found;
  const errors = await validateInput(windows, ['windows']);
  if (errors.length) return fail(...errors);
  const withDays = toMinutes(windows).map((m, i) => ({
    weekday: WEEKDAYS.indexOf((windows[i] as WeeklyWindowInput).weekday) + 1,
    ...m,
  }));
  const resource = found.value;
  resource.weeklyPattern = mergeWeekdayWindows(withDays);
  await audited(ctx, {
    action: 'hours.weekly_set',
    entityType: 'resource',
    entityId: resource.id,
    changes: { windows: weeklyWindowsOf(resource) },
  });
  return ok(resource);
}

export async function setDateOverride(
  ctx: RequestContext,
  resourceId: string | null | undefined,
  date: string,
  windows: readonly TimeWindowInput[],
): Promise<Result<Resource>> {
  const tenant = requireTenant(ctx);
  const found = await resourceOrFirst(ctx, resourceId, ['resourceId']);
  if (!found.ok) return found;
  const errors = await validateInput(windows, ['windows']);
  if (errors.length) return fail(...errors);
  const minutes = toMinutes(windows);
  const resource = found.value;
  // One INSERT ... ON CONFLICT: a row that exists keeps its id; plain data needs its own id and times.
  const now = new Date();
  await ctx.em.transactional(async (tx) => {
    await tx.upsert(
      DateOverride,
      {
        id: randomUUID(),
        createdAt: now,
        updatedAt: now,
        tenant,
        resource,
        date,
        windows: mergeWindows(minutes),
      },
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
      changes: { date, windows: windows.map((w) => `${w.startTime}-${w.endTime}`) },
    });
  });
  return ok(resource);
}

export async function clearDateOverride(
  ctx: RequestContext,
  resourceId: string | null | undefined,
  date: string,
): Promise<Result<Resource>> {
  const found = await resourceOrFirst(ctx, resourceId, ['resourceId']);
  if (!found.ok) return found;
  await ctx.em.transactional(async (tx) => {
    await tx.nativeDelete(DateOverride, { resource: found.value, date });
    await audit(ctx, tx, {
      action: 'hours.date_override_cleared',
      entityType: 'resource',
      entityId: found.value.id,
      changes: { date },
    });
  });
  return ok(found.value);
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
): Promise<Result<Blackout>> {
  const tenant = requireTenant(ctx);
  const errors = await validateInput(input, ['input']);
  let resource: Resource | null = null;
  if (input.resourceId != null) {
    resource = await findResource(ctx, input.resourceId);
    if (!resource) errors.push(notFound(`resource ${input.resourceId}`, 'input', 'resourceId'));
  }
  if (errors.length) return fail(...errors);
  const blackout = ctx.em.create(Blackout, {
    tenant,
    resource,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    reason: input.reason ?? null,
  });
  await audited(ctx, {
    action: 'blackout.created',
    entityType: 'blackout',
    entityId: blackout.id,
    changes: {
      resourceId: input.resourceId ?? null,
      startsAt: input.startsAt.toISOString(),
      endsAt: input.endsAt.toISOString(),
      reason: input.reason ?? null,
    },
  });
  return ok(blackout);
}

export async function deleteBlackout(ctx: RequestContext, id: string): Promise<Result<string>> {
  requireTenant(ctx);
  if (!isId(id)) return fail(notFound(`blackout ${id}`, 'id'));
  const deleted = await ctx.em.transactional(async (tx) => {
    const count = await tx.nativeDelete(Blackout, { id });
    if (count)
      await audit(ctx, tx, { action: 'blackout.deleted', entityType: 'blackout', entityId: id });
    return count;
  });
  return deleted ? ok(id) : fail(notFound(`blackout ${id}`, 'id'));
}

/** Blackouts that overlap [from, to), in start order. */
export async function listBlackouts(
  ctx: RequestContext,
  from: Date,
  to: Date,
): Promise<Blackout[]> {
  requireTenant(ctx);
  checkInstantRange(from, to, MAX_LISTING_DAYS);
  return ctx.em.find(
    Blackout,
    { startsAt: { $lt: to }, endsAt: { $gt: from } },
    { orderBy: { startsAt: 'asc', id: 'asc' } },
  );
}
