import { hashPassword } from '../../src/access/secrets.js';
import { createTenant, type TenantFixture, type TestApp } from './app.js';
import { sql } from './database.js';

export interface Scenario {
  tenant: TenantFixture;
  resourceId: string;
  serviceId: string;
  /** Runs an operation as the tenant's admin; throws on GraphQL errors. */
  admin<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<T>;
}

const ALL_DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** The same window on every day of the week. */
export const everyDay = (startTime: string, endTime: string) =>
  weekdays(startTime, endTime, ALL_DAYS);

export const weekdays = (
  startTime: string,
  endTime: string,
  days = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
) => days.map((weekday) => ({ weekday, startTime, endTime }));

/**
 * A tenant in `timeZone` with no minimum notice and a long horizon, the given weekly
 * windows on its first resource, and one service (60 minutes unless `service` says otherwise).
 */
export async function scenario(
  t: TestApp,
  slug: string,
  options: {
    timeZone?: string;
    windows: unknown[];
    service?: Record<string, unknown>;
    tenant?: Record<string, unknown>;
  },
): Promise<Scenario> {
  const tenant = await createTenant(t, slug, { timeZone: options.timeZone ?? 'UTC' });
  async function admin<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await t.gql<T>(query, variables, { tenant: tenant.slug, token: tenant.token });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data as T;
  }
  await admin(
    'mutation ($input: UpdateTenantInput!) { updateTenant(input: $input) { userErrors { message } } }',
    {
      input: { minimumNoticeMinutes: 0, maxAdvanceDays: 3650, ...options.tenant },
    },
  );
  const set = await admin<{ setWeeklyWindows: { resource: { id: string } } }>(
    'mutation ($w: [WeeklyWindowInput!]!) { setWeeklyWindows(windows: $w) { resource { id } userErrors { message } } }',
    { w: options.windows },
  );
  const serviceId = await createService(admin, {
    name: 'Appointment',
    durationMinutes: 60,
    ...options.service,
  });
  return { tenant, resourceId: set.setWeeklyWindows.resource.id, serviceId, admin };
}

/**
 * A STAFF user of the scenario's business with a password, working on `resourceIds` (set
 * through the API, as an admin would); written directly, as an accepted invitation writes one.
 */
export async function addStaff(
  t: TestApp,
  s: Scenario,
  user: { email: string; password: string; name?: string; resourceIds: string[] },
): Promise<string> {
  const [row] = await sql<{ id: string }>(
    t.database,
    `insert into app_user (id, created_at, updated_at, tenant_id, email, name, password_hash, role)
     values (gen_random_uuid(), now(), now(), $1, $2, $3, $4, 'STAFF') returning id`,
    [s.tenant.id, user.email, user.name ?? null, await hashPassword(user.password)],
  );
  const id = row?.id as string;
  await s.admin(
    'mutation ($id: ID!, $r: [ID!]!) { updateUser(id: $id, input: { resourceIds: $r }) { user { id } } }',
    { id, r: user.resourceIds },
  );
  return id;
}

export async function createService(
  admin: Scenario['admin'],
  input: Record<string, unknown>,
): Promise<string> {
  const created = await admin<{
    createService: { service: { id: string } | null; userErrors: unknown[] };
  }>(
    'mutation ($input: ServiceInput!) { createService(input: $input) { service { id } userErrors { code field message } } }',
    { input },
  );
  if (!created.createService.service)
    throw new Error(JSON.stringify(created.createService.userErrors));
  return created.createService.service.id;
}

export const CREATE_BOOKING = `mutation ($input: CreateBookingInput!) {
  createBooking(input: $input) {
    booking { id reference status startsAt endsAt seats customerName customerEmail customerPhone notes createdAt updatedAt cancelledAt cancellationReason service { id } resource { id } }
    manageToken
    userErrors { code field message }
  }
}`;

export interface BookingResult {
  createBooking: {
    booking: {
      id: string;
      reference: string;
      status: string;
      startsAt: string;
      seats: number;
    } | null;
    manageToken: string | null;
    userErrors: Array<{ code: string; field: string[] | null; message: string }>;
  };
}

/** createBooking as the public (no credential), with a default customer. */
export function book(t: TestApp, slug: string, input: Record<string, unknown>) {
  return t.gql<BookingResult>(
    CREATE_BOOKING,
    { input: { customer: { name: 'Ada Lovelace', email: 'ada@example.com' }, ...input } },
    { tenant: slug },
  );
}

/** No two active bookings on a resource whose occupied spans overlap, unless of one session. */
export const OVERLAPS_SQL = `
  select count(*)::int as n from booking a join booking b
    on a.resource_id = b.resource_id and a.id < b.id and a.session_key <> b.session_key
   and tstzrange(a.occupied_start, a.occupied_end) && tstzrange(b.occupied_start, b.occupied_end)
  where a.status in ('PENDING','CONFIRMED','COMPLETED','NO_SHOW') and b.status in ('PENDING','CONFIRMED','COMPLETED','NO_SHOW')`;

/** No two active occupancies of a resource overlap, unless of one session (pools included). */
export const OCCUPANCY_OVERLAPS_SQL = `
  select count(*)::int as n from booking_resource a join booking_resource b
    on a.resource_id = b.resource_id and a.id < b.id and a.session_key <> b.session_key
   and tstzrange(a.occupied_start, a.occupied_end) && tstzrange(b.occupied_start, b.occupied_end)
  where a.active and b.active`;

export interface Tally {
  attempts: number;
  successes: number;
  codes: Record<string, number>;
  serverErrors: number;
}

/** What a storm of createBooking answers came to: bookings, refusals by code, server errors. */
export function tally(
  results: Array<{ status: number; data?: BookingResult | null; errors?: unknown[] }>,
): Tally {
  const out: Tally = { attempts: results.length, successes: 0, codes: {}, serverErrors: 0 };
  for (const r of results) {
    const payload = r.data?.createBooking;
    if (r.errors || r.status >= 500 || !payload) out.serverErrors++;
    else if (payload.booking) out.successes++;
    else for (const e of payload.userErrors) out.codes[e.code] = (out.codes[e.code] ?? 0) + 1;
  }
  return out;
}
