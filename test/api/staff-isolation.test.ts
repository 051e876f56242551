import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, login, startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { addStaff, createService, everyDay, type Scenario, scenario } from '../helpers/scenario.js';

/**
 * STAFF are a second isolation boundary inside a tenant (domain.md, "People and roles"). Every
 * query and mutation of the schema runs as five callers against the objects of resource R1:
 * an ADMIN, the STAFF of R1, the STAFF of R2, a PARTNER key and no credential. Each cell's
 * outcome is compared with the matrix below, and a refused call must change nothing.
 */

/** Wednesday 2027-03-03 08:00 UTC. */
const NOW = Date.parse('2027-03-03T08:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const CALLERS = ['ADMIN', 'STAFF_OWN', 'STAFF_OTHER', 'PARTNER', 'NONE'] as const;
type Caller = (typeof CALLERS)[number];

let t: TestApp;
let s: Scenario;
let r1: string;
let r2: string;
/** R1's service, its confirmation-first twin, and R2's service. */
let s1: string;
let s1Pending: string;
let s2: string;
const tokens = {} as Record<Caller, string | undefined>;
const staffIds = {} as Record<'STAFF_OWN' | 'STAFF_OTHER', string>;

const ERRORS = 'userErrors { code field message }';
const BOOK = `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } manageToken ${ERRORS} } }`;

let hour = 0;
/** A fresh free start within R1's and R2's hours (08:00-20:00 every day), from 2 days ahead. */
function freeStart(): string {
  const n = hour++;
  const day = Math.floor(n / 12);
  return new Date(NOW + (2 + day) * DAY + (n % 12) * HOUR).toISOString();
}
let past = 0;
/** A fresh start in the past (for complete and no-show), booked with bypassPolicy. */
const pastStart = () => new Date(NOW - (1 + past++) * DAY).toISOString();

async function admin<T>(query: string, variables: Record<string, unknown> = {}) {
  return s.admin<T>(query, variables);
}

async function book(serviceId: string, startsAt = freeStart(), bypassPolicy = false) {
  const res = await admin<{
    createBooking: { booking: { id: string } | null; manageToken: string | null };
  }>(BOOK, {
    input: {
      serviceId,
      startsAt,
      bypassPolicy,
      customer: { name: 'Cust', email: 'cust@staff.example' },
    },
  });
  if (!res.createBooking.booking) throw new Error(JSON.stringify(res));
  return { id: res.createBooking.booking.id, token: res.createBooking.manageToken as string };
}

async function blackout(resourceId: string | null) {
  const start = Date.parse(freeStart());
  const res = await admin<{ createBlackout: { blackout: { id: string } } }>(
    `mutation ($input: BlackoutInput!) { createBlackout(input: $input) { blackout { id } ${ERRORS} } }`,
    {
      input: {
        resourceId,
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + HOUR).toISOString(),
      },
    },
  );
  return res.createBlackout.blackout.id;
}

/** A digest of everything of the tenant a call could change (not sessions or key use). */
async function digest(): Promise<string> {
  const tables = [
    'booking',
    'blackout',
    'date_override',
    'resource',
    'service',
    'app_user',
    'user_resource',
    'invitation',
    'password_reset',
    'notification',
    'audit_event',
    'booking_event',
    'webhook_endpoint',
    'reminder_rule',
  ];
  // One statement on one connection: the matrix takes two digests per cell.
  const parts = tables.map(
    (table) =>
      `'${table}:' || coalesce((select md5(string_agg(x::text, ',' order by x.id)) from ${table} x where tenant_id = $1), '')`,
  );
  // Deliveries by id only: the worker records attempts on them at its own pace.
  parts.push(
    `'webhook_delivery:' || coalesce((select md5(string_agg(id::text, ',' order by id)) from webhook_delivery where tenant_id = $1), '')`,
    `(select row_to_json(t)::text from tenant t where id = $1)`,
  );
  const [row] = await sql<{ d: string }>(t.database, `select ${parts.join(" || '|' || ")} as d`, [
    s.tenant.id,
  ]);
  return row?.d ?? '';
}

interface Answer {
  data: Record<string, unknown> | null | undefined;
  errors?: Array<{ extensions?: Record<string, unknown> }>;
}

/** What a list shows of R1 and R2: 'R1+R2', 'R1', 'R2' or 'none'. */
function sides(hasR1: boolean, hasR2: boolean) {
  return hasR1 && hasR2 ? 'R1+R2' : hasR1 ? 'R1' : hasR2 ? 'R2' : 'none';
}

/** The cell's outcome: the error code, the first userError's code, a list's view, or OK. */
function outcome(answer: Answer, view?: (data: Record<string, unknown>) => string): string {
  const code = answer.errors?.[0]?.extensions?.code;
  if (code) return String(code);
  const data = answer.data ?? {};
  const value = Object.values(data)[0];
  if (value && typeof value === 'object' && 'userErrors' in value) {
    const errors = (value as { userErrors: Array<{ code: string }> }).userErrors;
    if (errors.length) return errors[0]?.code ?? 'ERROR';
  }
  if (view) return view(data);
  return value === null ? 'NOT_FOUND' : 'OK';
}

interface Cell {
  /** The schema field the entry covers. */
  field: string;
  /** A variant's name, when a field has several rows. */
  label?: string;
  /** Makes what the call works on (as the admin); its variables. */
  prepare?: () => Promise<Record<string, unknown>>;
  query: string;
  /** A list's view of R1 and R2. */
  view?: (data: Record<string, unknown>) => string;
  /** The outcome for ADMIN, STAFF_OWN, STAFF_OTHER, PARTNER, NONE. */
  expect: [string, string, string, string, string];
}

const ADMIN_ONLY: Cell['expect'] = ['OK', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'];
const PLATFORM_ONLY: Cell['expect'] = [
  'FORBIDDEN',
  'FORBIDDEN',
  'FORBIDDEN',
  'FORBIDDEN',
  'UNAUTHENTICATED',
];
const PUBLIC: Cell['expect'] = ['OK', 'OK', 'OK', 'OK', 'OK'];
/** Changes to R1's bookings and hours: ADMIN and R1's staff; R2's staff are told it is not there. */
const OWN: Cell['expect'] = ['OK', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED'];
const LIST: Cell['expect'] = ['R1+R2', 'R1', 'R2', 'R1+R2', 'UNAUTHENTICATED'];
const STAFF_LIST: Cell['expect'] = ['R1+R2', 'R1', 'R2', 'FORBIDDEN', 'UNAUTHENTICATED'];

const bookingVar = async () => ({ id: (await book(s1)).id });
const span = () => {
  const start = Date.parse(freeStart());
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + HOUR).toISOString() };
};
/** Who an id in a list belongs to. */
const ofResource = (items: Array<{ resource: { id: string } | null } | null>) =>
  sides(
    items.some((i) => i?.resource?.id === r1),
    items.some((i) => i?.resource?.id === r2),
  );

const HOOK = 'http://127.0.0.1:9/hook';
/** A webhook endpoint of the tenant, paused: nothing is sent while the matrix runs. */
async function pausedEndpoint(): Promise<string> {
  // A business has at most 20: the earlier cells' go first.
  await sql(t.database, 'delete from webhook_endpoint where tenant_id = $1', [s.tenant.id]);
  const res = await admin<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
    `mutation ($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } ${ERRORS} } }`,
    { input: { url: HOOK, events: ['CREATED'] } },
  );
  const id = res.createWebhookEndpoint.endpoint.id;
  await admin(
    `mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { active: false }) { ${ERRORS} } }`,
    { id },
  );
  return id;
}
const endpointVar = async () => ({ id: await pausedEndpoint() });

const CELLS: Cell[] = [
  {
    field: 'bookingEvents',
    prepare: async () => {
      await book(s1);
      await book(s2);
      return {};
    },
    query: '{ bookingEvents(first: 500) { edges { node { data } } } }',
    view: (d) => {
      const edges = (
        d.bookingEvents as { edges: Array<{ node: { data: { resourceIds: string[] } } }> }
      ).edges;
      return ofResource(edges.map((e) => ({ resource: { id: e.node.data.resourceIds[0] ?? '' } })));
    },
    expect: LIST,
  },
  { field: 'webhookEndpoints', query: '{ webhookEndpoints { id } }', expect: ADMIN_ONLY },
  { field: 'reminderRules', query: '{ reminderRules { id } }', expect: ADMIN_ONLY },
  {
    field: 'requestManageLink',
    query: 'mutation { requestManageLink(reference: "ZZZZ-ZZZZ", email: "nobody@staff.example") }',
    expect: PUBLIC,
  },
  {
    field: 'resendManageLink',
    prepare: bookingVar,
    query: `mutation ($id: ID!) { resendManageLink(bookingId: $id) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'setReminderRules',
    query: `mutation { setReminderRules(rules: [{ offsetMinutes: 1440, recipient: CUSTOMER }]) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'webhookDeliveries',
    prepare: endpointVar,
    query: 'query ($id: ID!) { webhookDeliveries(endpointId: $id) { id } }',
    expect: ADMIN_ONLY,
  },
  {
    field: 'createWebhookEndpoint',
    // Of a service nobody books: the one the admin makes never sends.
    prepare: async () => ({ input: { url: HOOK, events: ['NO_SHOW'], serviceIds: [s1Pending] } }),
    query: `mutation ($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'updateWebhookEndpoint',
    prepare: endpointVar,
    query: `mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { payload: IDS_ONLY }) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'deleteWebhookEndpoint',
    prepare: endpointVar,
    query: `mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'rotateWebhookSecret',
    prepare: endpointVar,
    query: `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'sendTestWebhook',
    prepare: endpointVar,
    query: `mutation ($id: ID!) { sendTestWebhook(id: $id) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'redeliverWebhook',
    prepare: async () => {
      const sent = await admin<{ sendTestWebhook: { delivery: { id: string } } }>(
        `mutation ($id: ID!) { sendTestWebhook(id: $id) { delivery { id } ${ERRORS} } }`,
        { id: await pausedEndpoint() },
      );
      return { id: sent.sendTestWebhook.delivery.id };
    },
    query: `mutation ($id: ID!) { redeliverWebhook(deliveryId: $id) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  // Queries.
  { field: 'apiKeys', query: '{ apiKeys { id } }', expect: ADMIN_ONLY },
  { field: 'auditEvents', query: '{ auditEvents { id } }', expect: ADMIN_ONLY },
  {
    field: 'blackouts',
    prepare: async () => {
      await blackout(r1);
      await blackout(r2);
      return { from: new Date(NOW).toISOString(), to: new Date(NOW + 300 * DAY).toISOString() };
    },
    query:
      'query ($from: DateTime!, $to: DateTime!) { blackouts(from: $from, to: $to) { resource { id } } }',
    view: (d) => ofResource(d.blackouts as never),
    expect: STAFF_LIST,
  },
  {
    field: 'booking',
    prepare: bookingVar,
    query: 'query ($id: ID!) { booking(id: $id) { id } }',
    expect: ['OK', 'OK', 'NOT_FOUND', 'OK', 'UNAUTHENTICATED'],
  },
  {
    field: 'bookingByToken',
    prepare: async () => ({ token: (await book(s1)).token }),
    query: 'query ($token: String!) { bookingByToken(token: $token) { id } }',
    expect: PUBLIC,
  },
  {
    field: 'bookings',
    prepare: async () => {
      await book(s1);
      await book(s2);
      return {};
    },
    query: '{ bookings(first: 100) { edges { node { resource { id } } } } }',
    view: (d) =>
      ofResource(
        (d.bookings as { edges: Array<{ node: { resource: { id: string } } }> }).edges.map(
          (e) => e.node,
        ),
      ),
    expect: LIST,
  },
  {
    field: 'bookingsCsv',
    query: '{ bookingsCsv }',
    view: (d) => {
      const csv = String(d.bookingsCsv);
      return sides(csv.includes(',Chair One,'), csv.includes(',Chair Two,'));
    },
    expect: LIST,
  },
  { field: 'invitations', query: '{ invitations { id } }', expect: ADMIN_ONLY },
  {
    field: 'me',
    query: '{ me { kind } }',
    view: (d) => (d.me ? 'OK' : 'anonymous'),
    expect: ['OK', 'OK', 'OK', 'OK', 'anonymous'],
  },
  {
    field: 'notifications',
    query: '{ notifications(first: 200) { booking { resource { id } } } }',
    view: (d) =>
      ofResource(
        (d.notifications as Array<{ booking: { resource: { id: string } } | null }>).map(
          (n) => n.booking,
        ),
      ),
    expect: STAFF_LIST,
  },
  {
    field: 'resources',
    query: '{ resources { id } }',
    view: (d) => ofResource((d.resources as Array<{ id: string }>).map((r) => ({ resource: r }))),
    expect: STAFF_LIST,
  },
  {
    field: 'service',
    prepare: async () => ({ id: s1 }),
    query: 'query ($id: ID!) { service(id: $id) { id } }',
    expect: PUBLIC,
  },
  { field: 'services', query: '{ services { id } }', expect: PUBLIC },
  {
    field: 'slots',
    prepare: async () => ({ id: s1 }),
    query:
      'query ($id: ID!) { slots(serviceId: $id, from: "2027-03-10", to: "2027-03-10") { startsAt } }',
    expect: PUBLIC,
  },
  { field: 'tenant', query: '{ tenant { id } }', expect: PUBLIC },
  { field: 'users', query: '{ users { id } }', expect: ADMIN_ONLY },
  // Mutations.
  {
    field: 'acceptInvitation',
    query: `mutation { acceptInvitation(token: "bki_nothing", name: "N", password: "long-enough-password") { ${ERRORS} } }`,
    expect: ['INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT'],
  },
  {
    field: 'cancelBooking',
    prepare: bookingVar,
    query: `mutation ($id: ID!) { cancelBooking(id: $id, reason: "r") { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'cancelBookingByToken',
    prepare: async () => ({ token: (await book(s1)).token }),
    query: `mutation ($token: String!) { cancelBookingByToken(token: $token) { ${ERRORS} } }`,
    expect: PUBLIC,
  },
  {
    field: 'changePassword',
    label: 'a wrong current password: a user is told, others are not users',
    query: `mutation { changePassword(currentPassword: "wrong", newPassword: "long-enough-password") { ${ERRORS} } }`,
    expect: ['INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT', 'NOT_ALLOWED', 'UNAUTHENTICATED'],
  },
  {
    field: 'clearDateOverride',
    prepare: async () => {
      await admin(
        'mutation ($r: ID!) { setDateOverride(resourceId: $r, date: "2029-01-01", windows: []) { resource { id } } }',
        { r: r1 },
      );
      return { r: r1 };
    },
    query: `mutation ($r: ID!) { clearDateOverride(resourceId: $r, date: "2029-01-01") { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'completeBooking',
    prepare: async () => ({ id: (await book(s1, pastStart(), true)).id }),
    query: `mutation ($id: ID!) { completeBooking(id: $id) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'confirmBooking',
    prepare: async () => ({ id: (await book(s1Pending)).id }),
    query: `mutation ($id: ID!) { confirmBooking(id: $id) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'createApiKey',
    query: `mutation { createApiKey(name: "k", role: PARTNER) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'createBlackout',
    prepare: async () => ({ input: { resourceId: r1, ...span() } }),
    query: `mutation ($input: BlackoutInput!) { createBlackout(input: $input) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'createBlackout',
    label: 'of every resource',
    prepare: async () => ({ input: span() }),
    query: `mutation ($input: BlackoutInput!) { createBlackout(input: $input) { ${ERRORS} } }`,
    expect: ['OK', 'NOT_ALLOWED', 'NOT_ALLOWED', 'FORBIDDEN', 'UNAUTHENTICATED'],
  },
  {
    field: 'createBooking',
    label: 'as the public',
    prepare: async () => ({
      input: {
        serviceId: s1,
        startsAt: freeStart(),
        customer: { name: 'C', email: 'c@x.example' },
      },
    }),
    query: BOOK,
    expect: PUBLIC,
  },
  {
    field: 'createBooking',
    label: 'bypassPolicy: a walk-in at 22:00',
    prepare: async () => ({
      input: {
        serviceId: s1,
        startsAt: new Date(NOW + (400 + hour++) * DAY + 14 * HOUR).toISOString(),
        bypassPolicy: true,
        customer: { name: 'C', email: 'c@x.example' },
      },
    }),
    query: BOOK,
    expect: ['OK', 'OK', 'NOT_ALLOWED', 'NOT_ALLOWED', 'NOT_ALLOWED'],
  },
  {
    field: 'createResource',
    query: `mutation { createResource(name: "New") { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'createService',
    query: `mutation { createService(input: { name: "S", durationMinutes: 30 }) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'createTenant',
    query: `mutation { createTenant(input: { slug: "no-way", name: "N", timeZone: "UTC", email: "a@b.example", adminEmail: "a@b.example", adminPassword: "long-enough-password" }) { ${ERRORS} } }`,
    expect: PLATFORM_ONLY,
  },
  {
    field: 'deleteBlackout',
    prepare: async () => ({ id: await blackout(r1) }),
    query: `mutation ($id: ID!) { deleteBlackout(id: $id) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'deleteResource',
    prepare: async () => {
      const res = await admin<{ createResource: { resource: { id: string } } }>(
        'mutation { createResource(name: "Spare") { resource { id } } }',
      );
      return { id: res.createResource.resource.id };
    },
    query: `mutation ($id: ID!) { deleteResource(id: $id) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'deleteService',
    prepare: async () => ({
      id: await createService(admin, { name: 'Spare', durationMinutes: 30, resourceId: r1 }),
    }),
    query: `mutation ($id: ID!) { deleteService(id: $id) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'inviteUser',
    prepare: async () => ({ email: `new-${hour++}@staff.example`, r: r1 }),
    query: `mutation ($email: EmailAddress!, $r: ID!) { inviteUser(input: { email: $email, role: STAFF, resourceIds: [$r] }) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'login',
    query: `mutation { login(email: "own@staff.example", password: "own@staff.example-password") { ${ERRORS} } }`,
    expect: PUBLIC,
  },
  {
    field: 'logout',
    label: 'on a session of its own',
    query: 'mutation { logout }',
    expect: ['OK', 'OK', 'OK', 'OK', 'UNAUTHENTICATED'],
  },
  {
    field: 'markNoShow',
    prepare: async () => ({ id: (await book(s1, pastStart(), true)).id }),
    query: `mutation ($id: ID!) { markNoShow(id: $id) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'requestPasswordReset',
    query: 'mutation { requestPasswordReset(email: "nobody@staff.example") }',
    expect: PUBLIC,
  },
  {
    field: 'rescheduleBooking',
    prepare: async () => ({ id: (await book(s1)).id, to: freeStart() }),
    query: `mutation ($id: ID!, $to: DateTime!) { rescheduleBooking(id: $id, startsAt: $to) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'rescheduleBooking',
    label: 'bypassPolicy: to 22:00',
    prepare: async () => ({
      id: (await book(s1)).id,
      to: new Date(NOW + (400 + hour++) * DAY + 14 * HOUR).toISOString(),
    }),
    query: `mutation ($id: ID!, $to: DateTime!) { rescheduleBooking(id: $id, startsAt: $to, bypassPolicy: true) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'rescheduleBookingByToken',
    prepare: async () => ({ token: (await book(s1)).token, to: freeStart() }),
    query: `mutation ($token: String!, $to: DateTime!) { rescheduleBookingByToken(token: $token, startsAt: $to) { ${ERRORS} } }`,
    expect: PUBLIC,
  },
  {
    field: 'resetPassword',
    query: `mutation { resetPassword(token: "bkr_nothing", newPassword: "long-enough-password") { ${ERRORS} } }`,
    expect: ['INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT'],
  },
  {
    field: 'retryNotification',
    query: 'mutation { retryNotification(id: "00000000-0000-4000-8000-000000000000") }',
    expect: ADMIN_ONLY,
  },
  {
    field: 'revokeApiKey',
    prepare: async () => ({ id: (await createApiKey(t, s.tenant, 'PARTNER')).id }),
    query: `mutation ($id: ID!) { revokeApiKey(id: $id) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'revokeInvitation',
    prepare: async () => {
      const res = await admin<{ inviteUser: { invitation: { id: string } } }>(
        'mutation ($r: ID!) { inviteUser(input: { email: "invited@staff.example", role: STAFF, resourceIds: [$r] }) { invitation { id } } }',
        { r: r1 },
      );
      return { id: res.inviteUser.invitation.id };
    },
    query: `mutation ($id: ID!) { revokeInvitation(id: $id) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'setDateOverride',
    prepare: async () => ({ r: r1 }),
    query: `mutation ($r: ID!) { setDateOverride(resourceId: $r, date: "2029-02-01", windows: [{ startTime: "09:00", endTime: "12:00" }]) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'setServiceActive',
    prepare: async () => ({ id: s1 }),
    query: `mutation ($id: ID!) { setServiceActive(id: $id, active: true) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'setTenantActive',
    query: `mutation { setTenantActive(slug: "staff", active: true) { ${ERRORS} } }`,
    expect: PLATFORM_ONLY,
  },
  {
    field: 'setWeeklyWindows',
    prepare: async () => ({ r: r1, w: everyDay('08:00', '20:00') }),
    query: `mutation ($r: ID!, $w: [WeeklyWindowInput!]!) { setWeeklyWindows(resourceId: $r, windows: $w) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'updateBookingDetails',
    prepare: bookingVar,
    query: `mutation ($id: ID!) { updateBookingDetails(id: $id, input: { notes: "VIP" }) { ${ERRORS} } }`,
    expect: OWN,
  },
  {
    field: 'updateResource',
    prepare: async () => ({ id: r1 }),
    query: `mutation ($id: ID!) { updateResource(id: $id, input: { name: "Chair One" }) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'updateService',
    prepare: async () => ({ id: s1, r: r1 }),
    query: `mutation ($id: ID!, $r: ID!) { updateService(id: $id, input: { name: "Appointment", durationMinutes: 60, resourceId: $r }) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'updateTenant',
    query: `mutation { updateTenant(input: { name: "Business staff" }) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
  {
    field: 'updateUser',
    prepare: async () => ({ id: staffIds.STAFF_OWN, r: r1 }),
    query: `mutation ($id: ID!, $r: ID!) { updateUser(id: $id, input: { resourceIds: [$r] }) { ${ERRORS} } }`,
    expect: ADMIN_ONLY,
  },
];

async function staffOn(email: string, resourceId: string) {
  const password = `${email}-password`;
  const id = await addStaff(t, s, { email, password, resourceIds: [resourceId] });
  return { id, password };
}

beforeAll(async () => {
  // Mail off: notifications are recorded SKIPPED at once, so the digest holds still.
  t = await startTestApp(
    { EMAIL_ENABLED: 'false', WEBHOOK_ALLOW_HOSTS: '127.0.0.1' },
    { clock: () => NOW },
  );
  s = await scenario(t, 'staff', { windows: everyDay('08:00', '20:00') });
  r1 = s.resourceId;
  s1 = s.serviceId;
  await admin(
    'mutation ($id: ID!) { updateResource(id: $id, input: { name: "Chair One" }) { resource { id } } }',
    {
      id: r1,
    },
  );
  const second = await admin<{ createResource: { resource: { id: string } } }>(
    'mutation { createResource(name: "Chair Two") { resource { id } } }',
  );
  r2 = second.createResource.resource.id;
  await admin(
    'mutation ($r: ID!, $w: [WeeklyWindowInput!]!) { setWeeklyWindows(resourceId: $r, windows: $w) { resource { id } } }',
    { r: r2, w: everyDay('08:00', '20:00') },
  );
  s1Pending = await createService(admin, {
    name: 'Consultation',
    durationMinutes: 60,
    resourceId: r1,
    requiresConfirmation: true,
  });
  s2 = await createService(admin, { name: 'Colour', durationMinutes: 60, resourceId: r2 });
  const own = await staffOn('own@staff.example', r1);
  const other = await staffOn('other@staff.example', r2);
  staffIds.STAFF_OWN = own.id;
  staffIds.STAFF_OTHER = other.id;
  tokens.ADMIN = s.tenant.token;
  tokens.STAFF_OWN = await login(t, 'staff', 'own@staff.example', own.password);
  tokens.STAFF_OTHER = await login(t, 'staff', 'other@staff.example', other.password);
  tokens.PARTNER = (await createApiKey(t, s.tenant, 'PARTNER')).secret;
  tokens.NONE = undefined;
  // Every list has something of both resources, and notifications of both.
  await book(s1);
  await book(s2);
});

afterAll(() => t?.close());

/** A fresh session for the caller (logout ends the one it runs on). */
async function sessionFor(caller: Caller): Promise<string | undefined> {
  if (caller === 'ADMIN') return login(t, 'staff', s.tenant.adminEmail, s.tenant.adminPassword);
  if (caller === 'STAFF_OWN')
    return login(t, 'staff', 'own@staff.example', 'own@staff.example-password');
  if (caller === 'STAFF_OTHER')
    return login(t, 'staff', 'other@staff.example', 'other@staff.example-password');
  return tokens[caller];
}

const REFUSED = ['FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'NOT_ALLOWED', 'INVALID_INPUT'];

describe('STAFF isolation matrix', () => {
  it('covers every query and mutation of the schema', () => {
    const schema = buildSchema(readFileSync('schema.graphql', 'utf8'));
    const fields = [
      ...Object.keys(schema.getQueryType()?.getFields() ?? {}),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
    ].sort();
    expect([...new Set(CELLS.map((c) => c.field))].sort()).toEqual(fields);
  });

  it.each(CELLS.map((c) => [c.label ? `${c.field} (${c.label})` : c.field, c] as const))(
    '%s',
    async (_name, cell) => {
      const got: string[] = [];
      for (const caller of CALLERS) {
        const variables = (await cell.prepare?.()) ?? {};
        const token = cell.field === 'logout' ? await sessionFor(caller) : tokens[caller];
        const before = await digest();
        const answer = await t.gql(cell.query, variables, {
          tenant: 'staff',
          ...(token ? { token } : {}),
        });
        const result = outcome(answer, cell.view);
        got.push(result);
        if (REFUSED.includes(result)) {
          expect(await digest(), `${caller} was refused but something changed`).toBe(before);
        }
      }
      expect(Object.fromEntries(CALLERS.map((c, i) => [c, got[i]]))).toEqual(
        Object.fromEntries(CALLERS.map((c, i) => [c, cell.expect[i]])),
      );
    },
  );

  it('streams GET /exports/bookings.csv with the same rows per caller as bookingsCsv', async () => {
    const got: Record<string, string> = {};
    for (const caller of CALLERS) {
      const token = tokens[caller];
      const res = await fetch(`${t.url}/exports/bookings.csv`, {
        headers: { 'x-tenant': 'staff', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      const text = await res.text();
      got[caller] =
        res.status === 200
          ? sides(text.includes(',Chair One,'), text.includes(',Chair Two,'))
          : String(res.status);
    }
    expect(got).toEqual({
      ADMIN: 'R1+R2',
      STAFF_OWN: 'R1',
      STAFF_OTHER: 'R2',
      PARTNER: 'R1+R2',
      NONE: '401',
    });
  });
});

describe("a STAFF user's resources", () => {
  const resourcesOf = async (caller: Caller) =>
    (
      await t.gql<{ resources: Array<{ id: string }> }>(
        '{ resources { id } }',
        {},
        { tenant: 'staff', token: tokens[caller] },
      )
    ).data?.resources.map((r) => r.id);
  const link = (resourceIds: string[]) =>
    admin(
      'mutation ($id: ID!, $r: [ID!]!) { updateUser(id: $id, input: { resourceIds: $r }) { user { id } } }',
      { id: staffIds.STAFF_OTHER, r: resourceIds },
    );

  it('change from the next request on, in the same session', async () => {
    expect(await resourcesOf('STAFF_OTHER')).toEqual([r2]);
    await link([r1, r2]);
    try {
      expect(await resourcesOf('STAFF_OTHER')).toEqual([r1, r2]);
      const booking = await book(s1);
      const seen = await t.gql('query ($id: ID!) { booking(id: $id) { id } }', booking, {
        tenant: 'staff',
        token: tokens.STAFF_OTHER,
      });
      expect(seen.data).toEqual({ booking: { id: booking.id } });
    } finally {
      await link([r2]);
    }
    expect(await resourcesOf('STAFF_OTHER')).toEqual([r2]);
  });

  it('keep the resource from being deleted, saying who works on it', async () => {
    const res = await t.gql<{ deleteResource: { userErrors: Array<{ message: string }> } }>(
      `mutation ($id: ID!) { deleteResource(id: $id) { ${ERRORS} } }`,
      { id: r2 },
      { tenant: 'staff', token: tokens.ADMIN },
    );
    expect(res.data?.deleteResource.userErrors[0]?.message).toContain(
      'the user(s) other@staff.example work on it',
    );
  });
});
