import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, login, PLATFORM_TOKEN, startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { book, everyDay, type Scenario, scenario, weekdays } from '../helpers/scenario.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
const CUSTOMER = {
  name: 'Priya Ramanathan',
  email: 'priya.r@customer-mail.example',
  phone: '+44 7700 900123',
};

let t: TestApp;
let s: Scenario;
const lines: string[] = [];

beforeAll(async () => {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  t = await startTestApp(
    { EMAIL_ENABLED: 'false', LOG_LEVEL: 'debug', METRICS_TOKEN },
    { logStream: stream },
  );
  s = await scenario(t, 'clinic', {
    windows: everyDay('00:00', '24:00'),
  });
});
afterAll(() => t?.close());

describe('logs', () => {
  it('record each GraphQL operation with its request id, tenant, duration and outcome, and never PII or secrets', async () => {
    // A full flow against the capturing server, over plain fetch.
    const call = async (
      query: string,
      variables: object = {},
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tenant': 'clinic', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as {
        data?: Record<string, { booking?: { id: string }; manageToken?: string }>;
        errors?: unknown[];
      };
    };
    const password = s.tenant.adminPassword;
    const wrong = await call(
      'mutation ($e: EmailAddress!, $p: String!) { login(email: $e, password: $p) { userErrors { message } } }',
      { e: s.tenant.adminEmail, p: 'wrong-secret-password' },
    );
    expect(wrong.data).toBeTruthy();
    const token = await login(t, 'clinic', s.tenant.adminEmail, password);
    const key = await createApiKey(t, s.tenant, 'PARTNER');
    const made = await call(
      'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } manageToken userErrors { code } } }',
      {
        i: {
          serviceId: s.serviceId,
          startsAt: '2027-01-04T10:00:00Z',
          customer: CUSTOMER,
          notes: 'Knee injury, left side',
        },
      },
    );
    const manageToken = made.data?.createBooking?.manageToken ?? '';
    // A conflict: the database error quotes the row; it must not reach the log as it is.
    await call(
      'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { userErrors { code } } }',
      {
        i: { serviceId: s.serviceId, startsAt: '2027-01-04T10:00:00Z', customer: CUSTOMER },
      },
    );
    await call(
      'mutation ($t: String!) { cancelBookingByToken(token: $t, reason: "Moving house") { userErrors { code } } }',
      { t: manageToken },
    );
    await call(
      '{ bookings(first: 5) { edges { node { customerEmail customerPhone } } } }',
      {},
      { authorization: `Bearer ${key.secret}` },
    );
    await call('{ resources { id } }', {}, { authorization: `Bearer ${token}` });
    await call('{ tenant { nope } }');
    await call(
      'mutation { createTenant(input: { slug: "x", name: "X", timeZone: "UTC", email: "owner@x-biz.example", adminEmail: "boss@x-biz.example", adminPassword: "another-long-password" }) { tenant { id } } }',
      {},
      { authorization: `Bearer ${PLATFORM_TOKEN}` },
    );
    await new Promise((r) => setTimeout(r, 200));

    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of [
      CUSTOMER.name,
      CUSTOMER.email,
      CUSTOMER.phone,
      'Knee injury',
      'Moving house',
      password,
      'wrong-secret-password',
      'another-long-password',
      token,
      key.secret,
      manageToken,
      PLATFORM_TOKEN,
      'boss@x-biz.example',
    ]) {
      expect(text, `log contains ${secret}`).not.toContain(secret);
    }
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    // One line per request at info: each request id appears on exactly one info line.
    const perRequest = new Map<unknown, number>();
    for (const r of records) {
      if (typeof r.level === 'number' && r.level >= 30 && r.reqId) {
        perRequest.set(r.reqId, (perRequest.get(r.reqId) ?? 0) + 1);
      }
    }
    expect(perRequest.size).toBeGreaterThan(6);
    expect([...perRequest.values()].every((n) => n === 1)).toBe(true);
    const operations = records.filter((r) => r.msg === 'request' && r.path === '/graphql');
    expect(operations.length).toBe(perRequest.size);
    for (const op of operations) {
      expect(op).toMatchObject({
        level: 30,
        reqId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        method: 'POST',
        status: expect.any(Number),
        durationMs: expect.any(Number),
        operation: expect.any(String),
        outcome: expect.stringMatching(/^(ok|error)$/),
      });
    }
    expect(operations).toContainEqual(
      expect.objectContaining({ tenant: 'clinic', outcome: 'ok', actor: 'API_KEY', status: 200 }),
    );
    expect(operations).toContainEqual(
      expect.objectContaining({
        outcome: 'error',
        status: 400,
        errorCodes: ['GRAPHQL_VALIDATION_FAILED'],
      }),
    );
  });

  it('logs probes at debug only, and a download on one line without its query string', async () => {
    const before = lines.length;
    await fetch(`${t.url}/healthz`);
    await fetch(
      `${t.url}/t/clinic/exports/bookings.csv?search=${encodeURIComponent(CUSTOMER.name)}`,
      {
        headers: { authorization: `Bearer ${s.tenant.token}` },
      },
    );
    await new Promise((r) => setTimeout(r, 200));
    const records = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.filter((r) => r.path === '/healthz')).toEqual([
      expect.objectContaining({ level: 20, status: 200 }),
    ]);
    const download = records.filter((r) => r.path === '/t/clinic/exports/bookings.csv');
    expect(download).toEqual([expect.objectContaining({ level: 30, method: 'GET', status: 200 })]);
    expect(lines.slice(before).join('\n')).not.toContain('Priya');
  });

  it('announces mail written to the local sink without the recipient or the subject', async () => {
    const sinkLines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) =>
      sinkLines.push(...chunk.toString().split('\n').filter(Boolean)),
    );
    const mailApp = await startTestApp({ LOG_LEVEL: 'info' }, { logStream: stream });
    try {
      const m = await scenario(mailApp, 'sinky', { windows: everyDay('00:00', '24:00') });
      const made = await book(mailApp, 'sinky', {
        serviceId: m.serviceId,
        startsAt: '2027-01-04T10:00:00Z',
        customer: CUSTOMER,
      });
      expect(made.data?.createBooking.userErrors).toEqual([]);
      const deadline = Date.now() + 20_000;
      const written = () => sinkLines.filter((l) => l.includes('mail written to the local sink'));
      while (written().length < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(written().length).toBeGreaterThanOrEqual(2);
      for (const line of written()) {
        expect(JSON.parse(line)).toMatchObject({ file: expect.stringMatching(/\.eml$/) });
      }
      const text = sinkLines.join('\n');
      for (const secret of [CUSTOMER.name, CUSTOMER.email, 'Booking confirmed']) {
        expect(text, `log contains ${secret}`).not.toContain(secret);
      }
    } finally {
      await mailApp.close();
    }
  });
});

describe('metrics', () => {
  it('are served in Prometheus format to the bearer of METRICS_TOKEN only', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong' } }))
        .status,
    ).toBe(401);
    await book(t, 'clinic', { serviceId: s.serviceId, startsAt: '2027-01-05T10:00:00Z' });
    await book(t, 'clinic', { serviceId: s.serviceId, startsAt: '2027-01-05T10:00:00Z' });
    const res = await fetch(`${t.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^bookings_created_total [1-9]\d*$/m);
    expect(text).toMatch(/^booking_conflicts_total [1-9]\d*$/m);
    expect(text).toMatch(
      /^graphql_operation_duration_seconds_count\{operation="[^"]+",outcome="ok"\} \d+$/m,
    );
    expect(text).toMatch(/^notification_queue_depth \d+$/m);
    expect(text).toMatch(/^notifications_failed_total \d+$/m);
    expect(text).toMatch(/^db_pool_connections\{state="total"\} \d+$/m);
    expect(text).toContain('rate_limited_requests_total');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('are off when no token is configured', async () => {
    const plain = await startTestApp({ EMAIL_ENABLED: 'false' });
    try {
      expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('audit trail', () => {
  const AUDIT =
    '{ auditEvents(first: 100) { actorKind actorLabel action entityType entityId changes } }';
  type Event = {
    actorKind: string;
    actorLabel: string;
    action: string;
    entityType: string;
    entityId: string;
    changes: Record<string, unknown> | null;
  };

  it('records who changed what: admins, API keys, customers and the platform, without customer details', async () => {
    const adminKey = await createApiKey(t, s.tenant, 'ADMIN');
    const made = await book(t, 'clinic', {
      serviceId: s.serviceId,
      startsAt: '2027-01-06T10:00:00Z',
      customer: CUSTOMER,
    });
    const bookingId = made.data?.createBooking.booking?.id ?? '';
    await t.gql(
      'mutation ($id: ID!) { rescheduleBooking(id: $id, startsAt: "2027-01-06T12:00:00Z") { userErrors { code } } }',
      { id: bookingId },
      { token: adminKey.secret },
    );
    await t.gql(
      'mutation ($t: String!) { cancelBookingByToken(token: $t) { userErrors { code } } }',
      { t: made.data?.createBooking.manageToken },
      { tenant: 'clinic' },
    );
    await s.admin(
      'mutation { setWeeklyWindows(windows: [{ weekday: MONDAY, startTime: "08:00", endTime: "12:00" }]) { userErrors { message } } }',
    );
    await s.admin(
      'mutation { createBlackout(input: { startsAt: "2027-02-01T00:00:00Z", endsAt: "2027-02-02T00:00:00Z", reason: "Refit" }) { userErrors { message } } }',
    );
    const res = await t.gql<{ auditEvents: Event[] }>(
      AUDIT,
      {},
      { tenant: 'clinic', token: s.tenant.token },
    );
    const events = res.data?.auditEvents ?? [];
    const of = (action: string) => events.find((e) => e.action === action);
    expect(of('booking.created')).toMatchObject({ actorKind: 'SYSTEM', entityId: bookingId });
    expect(of('booking.rescheduled')).toMatchObject({
      actorKind: 'API_KEY',
      actorLabel: 'key',
      changes: { from: '2027-01-06T10:00:00.000Z', to: '2027-01-06T12:00:00.000Z' },
    });
    expect(of('booking.cancelled')).toMatchObject({
      actorKind: 'CUSTOMER',
      actorLabel: 'customer',
      entityId: bookingId,
    });
    expect(of('hours.weekly_set')).toMatchObject({
      actorKind: 'USER',
      actorLabel: s.tenant.adminEmail,
      entityType: 'resource',
    });
    expect(of('blackout.created')).toMatchObject({
      actorKind: 'USER',
      changes: { reason: 'Refit' },
    });
    expect(of('service.created')).toMatchObject({ actorKind: 'USER', entityId: s.serviceId });
    expect(of('tenant.created')).toMatchObject({ actorKind: 'PLATFORM' });
    expect(of('api_key.created')).toMatchObject({ actorKind: 'USER', changes: { role: 'ADMIN' } });
    expect(JSON.stringify(events)).not.toContain(CUSTOMER.email);
    expect(JSON.stringify(events)).not.toContain(CUSTOMER.name);
    // Newest first, and for one entity on request.
    const forBooking = await t.gql<{ auditEvents: Event[] }>(
      'query ($id: ID!) { auditEvents(entityId: $id) { action } }',
      { id: bookingId },
      { tenant: 'clinic', token: s.tenant.token },
    );
    expect(forBooking.data?.auditEvents.map((e) => e.action)).toEqual([
      'booking.cancelled',
      'booking.rescheduled',
      'booking.created',
    ]);
  });

  it('is for admins of the tenant only', async () => {
    const partner = await createApiKey(t, s.tenant, 'PARTNER');
    expect((await t.gql(AUDIT, {}, { token: partner.secret })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const other = await scenario(t, 'other-clinic', { windows: weekdays('09:00', '17:00') });
    const theirs = await t.gql<{ auditEvents: Event[] }>(
      AUDIT,
      {},
      { tenant: 'other-clinic', token: other.tenant.token },
    );
    expect(theirs.data?.auditEvents.every((e) => !JSON.stringify(e).includes(s.serviceId))).toBe(
      true,
    );
    expect(
      (await sql(t.database, 'select 1 from audit_event where tenant_id = $1', [other.tenant.id]))
        .length,
    ).toBeGreaterThan(0);
  });
});
