import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { Role } from '../access/role.js';
import type { BookingFilter } from '../bookings/booking.types.js';
import { bookingsCsvStream } from '../bookings/booking-export.js';
import { BookingStatus } from '../bookings/booking-status.js';
import { ApiError } from '../shared/errors.js';
import { type AppServices, buildRequestContext } from './context.js';

const PATHS = ['/exports/bookings.csv', '/t/:slug/exports/bookings.csv'];

type Query = Record<string, string | string[] | undefined>;

const list = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

function instant(query: Query, name: string): Date | null {
  const raw = query[name];
  if (raw === undefined || raw === '') return null;
  const value = Array.isArray(raw) ? raw[0] : raw;
  const date = new Date(String(value));
  if (
    !/^\d{4}-\d{2}-\d{2}(T.*(Z|[+-]\d{2}:\d{2}))?$/.test(String(value)) ||
    Number.isNaN(date.getTime())
  ) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `${name} must be an RFC 3339 instant such as 2026-03-01T00:00:00Z (got "${value}")`,
      { field: [name] },
    );
  }
  return date;
}

/** The download's query string as the filter of `bookings`. */
export function filterFromQuery(query: Query): BookingFilter {
  const statuses = list(query.status);
  for (const s of statuses) {
    if (!(s in BookingStatus)) {
      throw new ApiError(
        'BAD_USER_INPUT',
        `status must be one of ${Object.keys(BookingStatus).join(', ')} (got "${s}")`,
        { field: ['status'] },
      );
    }
  }
  const serviceIds = list(query.serviceId);
  const search = typeof query.search === 'string' ? query.search : undefined;
  return {
    from: instant(query, 'from'),
    to: instant(query, 'to'),
    statuses: statuses.length ? (statuses as BookingStatus[]) : null,
    serviceIds: serviceIds.length ? serviceIds : null,
    search: search ?? null,
  };
}

function sendError(reply: FastifyReply, err: GraphQLError) {
  const code = String(err.extensions.code ?? 'INTERNAL_SERVER_ERROR');
  const http = err.extensions.http as { status?: number } | undefined;
  const status =
    http?.status ??
    ({ UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400 } as Record<string, number>)[
      code
    ] ??
    400;
  return reply.code(status).send({
    errors: [{ message: err.message, extensions: { code, field: err.extensions.field } }],
  });
}

/**
 * GET /exports/bookings.csv?from=&to=&status=&serviceId=&search= (also under /t/<slug>/):
 * the CSV of bookingsCsv, streamed with no row limit and constant memory, for partners'
 * nightly jobs. Same bearer credentials and tenant resolution as /graphql; ADMIN or PARTNER.
 */
export function registerExportRoutes(fastify: FastifyInstance, services: AppServices): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const ctx = await buildRequestContext(services, request);
      if (!ctx.actor)
        throw new ApiError(
          'UNAUTHENTICATED',
          'This download needs a credential (Authorization: Bearer <token>)',
        );
      if (ctx.actor.role !== Role.ADMIN && ctx.actor.role !== Role.PARTNER) {
        throw new ApiError('FORBIDDEN', 'This download needs the role ADMIN or PARTNER');
      }
      if (!ctx.tenant)
        throw new ApiError(
          'TENANT_REQUIRED',
          'Name the tenant: its subdomain, X-Tenant or /t/<slug>/exports/bookings.csv',
        );
      const filter = filterFromQuery(request.query as Query);
      const date = new Date(ctx.now()).toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="bookings-${ctx.tenant.slug}-${date}.csv"`,
        )
        .header('cache-control', 'no-store')
        .send(bookingsCsvStream(ctx, filter));
    } catch (err) {
      if (err instanceof GraphQLError) return sendError(reply, err);
      throw err;
    }
  };
  for (const url of PATHS) fastify.get(url, handler);
}
