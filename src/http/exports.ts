import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Role } from '../access/role.js';
import { BookingFilter } from '../bookings/booking.types.js';
import { bookingsCsvStream, type CsvOptions } from '../bookings/booking-export.js';
import { BookingStatus } from '../bookings/booking-status.js';
import type { AppServices } from '../context/request-context.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { ApiError } from '../shared/errors.js';
import { textProblem } from '../shared/text.js';
import { checkArgs, isId } from '../shared/validation.js';
import { buildRequestContext } from './context.js';

const PATHS = ['/exports/bookings.csv', '/t/:slug/exports/bookings.csv'];

type Query = Record<string, string | string[] | undefined>;

/** The parameters the download takes; any other is refused, so a typo is not ignored. */
const PARAMETERS = [
  'from',
  'to',
  'status',
  'serviceId',
  'search',
  'updatedSince',
  'formulaGuard',
] as const;
type Parameter = (typeof PARAMETERS)[number];

const refuse = (name: string, message: string) =>
  new ApiError('BAD_USER_INPUT', `${name} ${message}`, { field: [name] });

/** Every value of a parameter (repeated, or comma-separated where `commas`), checked as text. */
function values(query: Query, name: Parameter, commas: boolean): string[] {
  const raw = query[name];
  const given = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: string[] = [];
  for (const value of given) {
    const problem = textProblem(value);
    if (problem) throw refuse(name, problem);
    out.push(...(commas ? value.split(',').map((v) => v.trim()) : [value]));
  }
  return out.filter((v) => v !== '');
}

function single(query: Query, name: Parameter): string | null {
  const all = values(query, name, false);
  if (all.length > 1) throw refuse(name, 'may be given once');
  return all[0] ?? null;
}

/** An instant, as strictly as the DateTime scalar of the GraphQL API reads one. */
function instant(query: Query, name: Parameter): Date | null {
  const value = single(query, name);
  if (value === null) return null;
  try {
    return DateTimeScalar.parseValue(value) as Date;
  } catch {
    throw refuse(
      name,
      `must be an RFC 3339 instant with a real date and time, such as 2026-03-01T00:00:00Z (got "${value}")`,
    );
  }
}

/** The download's query string as a filter and options, checked as strictly as the GraphQL API. */
async function exportRequestFromQuery(query: Query): Promise<{
  filter: BookingFilter;
  options: CsvOptions;
}> {
  for (const name of Object.keys(query)) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      throw refuse(name, `is not a parameter of this download (it takes ${PARAMETERS.join(', ')})`);
    }
  }
  const statuses = values(query, 'status', true);
  for (const s of statuses) {
    if (!(s in BookingStatus)) {
      throw refuse(
        'status',
        `must be one of ${Object.keys(BookingStatus).join(', ')} (got "${s}")`,
      );
    }
  }
  const serviceIds = values(query, 'serviceId', true);
  for (const id of serviceIds) {
    if (!isId(id)) throw refuse('serviceId', `must be a service id (got "${id}")`);
  }
  const guard = single(query, 'formulaGuard');
  if (guard !== null && guard !== 'true' && guard !== 'false') {
    throw refuse('formulaGuard', `must be true or false (got "${guard}")`);
  }
  const filter = Object.assign(new BookingFilter(), {
    from: instant(query, 'from'),
    to: instant(query, 'to'),
    statuses: statuses.length ? (statuses as BookingStatus[]) : null,
    serviceIds: serviceIds.length ? serviceIds : null,
    search: single(query, 'search'),
    updatedSince: instant(query, 'updatedSince'),
  });
  // The filter's own rules, as bookings and bookingsCsv check them.
  await checkArgs(filter);
  return { filter, options: { formulaGuard: guard !== 'false' } };
}

/** Who may download: as bookingsCsv (STAFF get their resources' bookings only). */
const EXPORT_ROLES: readonly Role[] = [Role.ADMIN, Role.STAFF, Role.PARTNER];

/** GET /exports/bookings.csv: bookingsCsv's CSV streamed with no row limit. */
export function registerExportRoutes(fastify: FastifyInstance, services: AppServices): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const ctx = await buildRequestContext(services, request);
    if (!ctx.actor)
      throw new ApiError(
        'UNAUTHENTICATED',
        'This download needs a credential (Authorization: Bearer <token>)',
      );
    if (ctx.actor.role === null || !EXPORT_ROLES.includes(ctx.actor.role)) {
      throw new ApiError('FORBIDDEN', `This download needs the role ${EXPORT_ROLES.join(' or ')}`);
    }
    if (!ctx.tenant)
      throw new ApiError(
        'TENANT_REQUIRED',
        'Name the tenant: its subdomain, X-Tenant or /t/<slug>/exports/bookings.csv',
      );
    const { filter, options } = await exportRequestFromQuery(request.query as Query);
    const date = new Date(ctx.now()).toISOString().slice(0, 10);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="bookings-${ctx.tenant.slug}-${date}.csv"`,
      )
      .header('cache-control', 'no-store')
      .send(bookingsCsvStream(ctx, filter, options));
  };
  for (const url of PATHS) fastify.get(url, handler);
}
