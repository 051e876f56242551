import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { Booking } from '../bookings/booking.entity.js';
import { CancelArgs } from '../bookings/booking.types.js';
import { MOVABLE, tooLateForCustomer } from '../bookings/booking-rules.js';
import {
  bookingByToken,
  cancelBookingByToken,
  rescheduleBookingByToken,
} from '../bookings/bookings.service.js';
import type { AppServices, RequestContext } from '../context/request-context.js';
import { isDatabaseOutage } from '../db/connections.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { type Messages, messagesFor } from '../i18n/messages.js';
import { MANAGE_CSP, type ManageView, renderManagePage } from '../manage/page.js';
import { bookingPrice, formatTimes, formatWhen, type Zones } from '../notifications/templates.js';
import { slots } from '../scheduling/slots.service.js';
import { addDays, isRealDate, localDateOf } from '../scheduling/zone-time.js';
import { chargePublicWrite } from '../security/public-write.js';
import {
  httpAnswerOf,
  serviceUnavailable,
  type UserError,
  UserErrorCode,
} from '../shared/errors.js';
import { textProblem } from '../shared/text.js';
import type { Tenant } from '../tenancy/tenant.entity.js';
import { buildRequestContext } from './context.js';

// The customer's manage page (docs/API.md, "The manage page"): the booking, cancel, move.
// Plain HTML forms posting to the page itself; the same service calls as the public mutations.

const PATHS = ['/t/:slug/manage/:token', '/manage/:token'];

type Form = Record<string, string>;

interface Shown {
  status?: number;
  notice?: ManageView['notice'];
  /** The day whose free times to list. */
  date?: string | null;
}

function send(reply: FastifyReply, status: number, html: string) {
  return (
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', MANAGE_CSP)
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      // Its own forms carry its origin (checked like any browser's); no other site learns the URL.
      .header('referrer-policy', 'same-origin')
      .send(html)
  );
}

/** A page with one message: the booking is not found, the service is down, too many requests. */
function messagePage(
  reply: FastifyReply,
  status: number,
  m: Messages,
  title: string,
  text: string,
) {
  return send(
    reply,
    status,
    renderManagePage({
      language: m.language,
      title,
      notice: { text, kind: 'error', role: 'alert' },
      details: [],
      contact: null,
      closed: null,
      cancel: null,
      move: null,
    }),
  );
}

const errorNotice = (text: string): ManageView['notice'] => ({
  text,
  kind: 'error',
  role: 'alert',
});

/** Changes are possible until the business's notice before the start. */
const tooLate = (m: Messages, tenant: Tenant) =>
  m.t('page.tooLate', { hours: tenant.cancellationNoticeMinutes / 60, business: tenant.name });

/** What the customer reads of a refusal, in their language where we know the reason. */
function refusal(m: Messages, tenant: Tenant, error: UserError | undefined): string {
  switch (error?.code) {
    case UserErrorCode.TOO_LATE_TO_CHANGE:
      return tooLate(m, tenant);
    case UserErrorCode.BOOKING_CONFLICT:
    case UserErrorCode.SLOT_UNAVAILABLE:
    case UserErrorCode.CAPACITY_EXCEEDED:
      return m.t('page.error.taken');
    case UserErrorCode.OUTSIDE_BOOKING_WINDOW:
      return m.t('page.error.date', { days: tenant.maxAdvanceDays });
    default:
      return m.t('page.error.other', { message: error?.message ?? '' });
  }
}

/** The page of a booking, with what the customer may still do. */
async function bookingPage(
  ctx: RequestContext,
  tenant: Tenant,
  booking: Booking,
  action: string,
  shown: Shown,
): Promise<ManageView> {
  const m = messagesFor(booking.customerLocale, tenant.locale);
  const zones: Zones = {
    zone: booking.customerTimeZone ?? tenant.timeZone,
    business: tenant.timeZone,
  };
  const service = await ctx.em.populate(booking, ['service']).then((b) => b.service.getEntity());
  const price = bookingPrice(service, booking.seats, m);
  const details = [
    { label: m.t('label.service'), value: service.name },
    { label: m.t('label.when'), value: formatWhen(booking.startsAt, booking.endsAt, zones, m) },
    { label: m.t('label.status'), value: m.t(`page.status.${booking.status}`) },
    { label: m.t('label.reference'), value: booking.reference },
    ...(booking.seats > 1 ? [{ label: m.t('label.seats'), value: String(booking.seats) }] : []),
    ...(price ? [{ label: m.t('label.price'), value: price }] : []),
  ];
  const late = tooLateForCustomer(booking, tenant.cancellationNoticeMinutes, ctx.now());
  const changeable = MOVABLE.includes(booking.status) && !late;
  const closed = changeable ? null : late ? tooLate(m, tenant) : m.t('page.closed');
  const notice = shown.notice ?? null;
  let times: NonNullable<ManageView['move']>['times'] = null;
  const today = localDateOf(ctx.now(), tenant.timeZone);
  if (changeable && shown.date) {
    const date = shown.date;
    const found = await slots(ctx, service.id, date, date).catch((err: unknown) => {
      // An inactive service has no free times; anything else is a real failure.
      if (err instanceof GraphQLError && err.extensions.code === 'NOT_FOUND') return [];
      throw err;
    });
    const free = found.filter((s) => s.startsAt !== booking.startsAt.getTime());
    const dayLabel = new Intl.DateTimeFormat(m.locale, {
      timeZone: 'UTC',
      weekday: 'long',
      day: 'numeric',
      month: 'long',
    }).format(new Date(`${date}T00:00:00Z`));
    times = {
      heading: m.t('page.move.times', { date: dayLabel }),
      none: free.length ? null : m.t('page.move.none'),
      button: m.t('page.move.button'),
      slots: free.map((s, i) => ({
        id: `slot-${i}`,
        value: new Date(s.startsAt).toISOString(),
        label: formatTimes(new Date(s.startsAt), new Date(s.endsAt), zones, m),
      })),
    };
  }
  const contact = [tenant.address, tenant.phone, tenant.email].filter((x): x is string => !!x);
  return {
    language: m.language,
    title: m.t('page.title', { business: tenant.name }),
    notice,
    details,
    contact: { text: m.t('page.contact', { business: tenant.name }), lines: contact },
    closed,
    cancel: changeable
      ? {
          heading: m.t('page.cancel.heading'),
          reasonLabel: m.t('page.cancel.reason'),
          button: m.t('page.cancel.button'),
          action,
        }
      : null,
    move: changeable
      ? {
          heading: m.t('page.move.heading'),
          dateLabel: m.t('page.move.date'),
          show: m.t('page.move.show'),
          date: shown.date ?? localDateOf(booking.startsAt.getTime(), tenant.timeZone),
          minDate: today,
          action,
          times,
        }
      : null,
  };
}

/** The first form field that is not text (a NUL, a lone surrogate), named. */
function formProblem(form: Form): string | null {
  for (const [name, value] of Object.entries(form)) {
    const problem = textProblem(value);
    if (problem) return `${name} ${problem}`;
  }
  return null;
}

/** The day asked for in `?date=`: a real date from today to the booking horizon, else why not. */
function dayAsked(
  raw: unknown,
  tenant: Tenant,
  now: number,
): { date: string | null; bad: boolean } {
  if (typeof raw !== 'string' || raw === '') return { date: null, bad: false };
  const today = localDateOf(now, tenant.timeZone);
  const last = addDays(today, tenant.maxAdvanceDays);
  const fine = /^\d{4}-\d{2}-\d{2}$/.test(raw) && isRealDate(raw) && raw >= today && raw <= last;
  return fine ? { date: raw, bad: false } : { date: null, bad: true };
}

async function handle(services: AppServices, request: FastifyRequest, reply: FastifyReply) {
  const english = messagesFor('en');
  let ctx: RequestContext;
  try {
    ctx = await buildRequestContext(services, request);
  } catch (err) {
    return failure(reply, english, err);
  }
  const tenant = ctx.tenant;
  if (!tenant) {
    return messagePage(
      reply,
      404,
      english,
      english.t('page.notFound.title'),
      english.t('page.notFound', { business: 'the business' }),
    );
  }
  const business = messagesFor(tenant.locale);
  try {
    const { token } = request.params as { token: string };
    // The form posts to the page's own path; its query (a day, a result) is not carried over.
    const action = request.url.split('?')[0] ?? '';
    const booking = await bookingByToken(ctx, token);
    if (!booking) {
      return messagePage(
        reply,
        404,
        business,
        business.t('page.notFound.title'),
        business.t('page.notFound', { business: tenant.name }),
      );
    }
    const m = messagesFor(booking.customerLocale, tenant.locale);
    if (request.method === 'GET') {
      const query = request.query as Record<string, unknown>;
      const day = dayAsked(query.date, tenant, ctx.now());
      const done = query.done === 'cancelled' || query.done === 'rescheduled' ? query.done : null;
      const notice: ManageView['notice'] = day.bad
        ? errorNotice(m.t('page.error.date', { days: tenant.maxAdvanceDays }))
        : done
          ? { text: m.t(`page.done.${done}`), kind: 'done', role: 'status' }
          : null;
      const view = await bookingPage(ctx, tenant, booking, action, { notice, date: day.date });
      return send(reply, day.bad ? 400 : 200, renderManagePage(view));
    }
    const form = (request.body ?? {}) as Form;
    const problem = formProblem(form);
    const again = async (status: number, text: string) => {
      ctx.em.clear();
      const fresh = (await bookingByToken(ctx, token)) ?? booking;
      const view = await bookingPage(ctx, tenant, fresh, action, { notice: errorNotice(text) });
      return send(reply, status, renderManagePage(view));
    };
    if (problem) return again(400, m.t('page.error.other', { message: problem }));
    let result: Awaited<ReturnType<typeof cancelBookingByToken>>;
    if (form.action === 'cancel') {
      await chargePublicWrite(ctx);
      const reason = form.reason?.trim() || null;
      result = await cancelBookingByToken(ctx, token, Object.assign(new CancelArgs(), { reason }));
    } else if (form.action === 'reschedule') {
      let startsAt: Date;
      try {
        startsAt = DateTimeScalar.parseValue(form.startsAt ?? '') as Date;
      } catch {
        return again(
          400,
          m.t('page.error.other', { message: 'startsAt must be a time from the list' }),
        );
      }
      await chargePublicWrite(ctx);
      result = await rescheduleBookingByToken(ctx, token, startsAt);
    } else {
      return again(
        400,
        m.t('page.error.other', { message: 'action must be cancel or reschedule' }),
      );
    }
    if (!result.ok) {
      const status = result.errors[0]?.code === UserErrorCode.INVALID_INPUT ? 400 : 409;
      return again(status, refusal(m, tenant, result.errors[0]));
    }
    // Post, redirect, get: a reload does not post again.
    const done = form.action === 'cancel' ? 'cancelled' : 'rescheduled';
    return reply.header('cache-control', 'no-store').redirect(`${action}?done=${done}`, 303);
  } catch (err) {
    return failure(reply, business, err);
  }
}

/** A failure the API would answer with a status (429, 503, an inactive tenant): as a page. */
function failure(reply: FastifyReply, m: Messages, err: unknown) {
  const known =
    err instanceof GraphQLError ? err : isDatabaseOutage(err) ? serviceUnavailable() : null;
  if (!known) throw err;
  const { status, headers, body } = httpAnswerOf(known);
  const text =
    status === 429
      ? m.t('page.error.busy')
      : status === 503
        ? m.t('page.error.unavailable')
        : (body.errors[0]?.message ?? '');
  reply.headers(headers);
  return messagePage(reply, status, m, m.t('page.failed.title'), text);
}

/** GET and POST /t/<slug>/manage/<token> (and /manage/<token> on a tenant's host). */
export async function registerManagePage(
  fastify: FastifyInstance,
  services: AppServices,
): Promise<void> {
  await fastify.register(async (scope) => {
    // Only these routes take an HTML form's body.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    for (const url of PATHS) {
      scope.get(url, (request, reply) => handle(services, request, reply));
      scope.post(url, (request, reply) => handle(services, request, reply));
    }
  });
}
