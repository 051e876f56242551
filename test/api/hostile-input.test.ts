import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_DOMAIN, PLATFORM_TOKEN, startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { book, type Scenario, scenario, weekdays } from '../helpers/scenario.js';

/**
 * Odd and hostile values through every kind of entry point: text PostgreSQL cannot store,
 * invalid literals, operation names that name nothing, reserved host names. Each is refused
 * with an error that names the field and the rule, and nothing is written.
 */
const NOW = Date.parse('2026-01-01T00:00:00Z');
let t: TestApp;
let s: Scenario;
let bookingId: string;

beforeAll(async () => {
  t = await startTestApp({ EMAIL_ENABLED: 'false' }, { clock: () => NOW });
  s = await scenario(t, 'odd', { windows: weekdays('09:00', '17:00') });
  const booked = await book(t, 'odd', { serviceId: s.serviceId, startsAt: '2026-03-02T10:00:00Z' });
  bookingId = booked.data?.createBooking.booking?.id ?? '';
});
afterAll(() => t?.close());

const TABLES = ['booking', 'service', 'resource', 'api_key', 'blackout', 'audit_event', 'tenant'];

/** Rows per table, and the tenant row and the booking as they are: what "nothing written" compares. */
async function snapshot() {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await sql<{ n: number }>(t.database, `select count(*)::int as n from "${table}"`);
    counts[table] = row?.n ?? -1;
  }
  const tenants = await sql(t.database, 'select * from tenant order by id');
  const bookings = await sql(t.database, 'select status, notes from booking order by id');
  return { counts, tenants, bookings };
}

const NUL = 'a\u0000b';
const LONE = 'a\udc00b';

describe('text PostgreSQL cannot store, in any string argument', () => {
  const cases: Array<{
    name: string;
    query: string;
    variables: (bad: string) => Record<string, unknown>;
    field: string[];
    token?: 'admin' | 'none' | 'platform';
  }> = [
    {
      name: 'createBooking customer name',
      query:
        'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } userErrors { message } } }',
      variables: (bad) => ({
        i: {
          serviceId: s.serviceId,
          startsAt: '2026-03-03T10:00:00Z',
          customer: { name: bad, email: 'x@example.com' },
        },
      }),
      field: ['input', 'customer', 'name'],
      token: 'none',
    },
    {
      name: 'createBooking notes',
      query:
        'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } userErrors { message } } }',
      variables: (bad) => ({
        i: {
          serviceId: s.serviceId,
          startsAt: '2026-03-03T10:00:00Z',
          customer: { name: 'Ada', email: 'x@example.com' },
          notes: bad,
        },
      }),
      field: ['input', 'notes'],
      token: 'none',
    },
    {
      name: 'createService name',
      query:
        'mutation ($i: ServiceInput!) { createService(input: $i) { service { id } userErrors { message } } }',
      variables: (bad) => ({ i: { name: bad, durationMinutes: 30 } }),
      field: ['input', 'name'],
    },
    {
      name: 'createResource name',
      query:
        'mutation ($n: String!) { createResource(name: $n) { resource { id } userErrors { message } } }',
      variables: (bad) => ({ n: bad }),
      field: ['name'],
    },
    {
      name: 'createApiKey name',
      query:
        'mutation ($n: String!) { createApiKey(name: $n, role: PARTNER) { secret userErrors { message } } }',
      variables: (bad) => ({ n: bad }),
      field: ['name'],
    },
    {
      name: 'createBlackout reason',
      query:
        'mutation ($i: BlackoutInput!) { createBlackout(input: $i) { blackout { id } userErrors { message } } }',
      variables: (bad) => ({
        i: { startsAt: '2026-04-01T00:00:00Z', endsAt: '2026-04-02T00:00:00Z', reason: bad },
      }),
      field: ['input', 'reason'],
    },
    {
      name: 'cancelBooking reason',
      query:
        'mutation ($id: ID!, $r: String) { cancelBooking(id: $id, reason: $r) { booking { status } userErrors { message } } }',
      variables: (bad) => ({ id: bookingId, r: bad }),
      field: ['reason'],
    },
    {
      name: 'updateTenant name',
      query:
        'mutation ($i: UpdateTenantInput!) { updateTenant(input: $i) { tenant { name } userErrors { message } } }',
      variables: (bad) => ({ i: { name: bad } }),
      field: ['input', 'name'],
    },
    {
      name: 'updateTenant allowedOrigins, in a list',
      query:
        'mutation ($i: UpdateTenantInput!) { updateTenant(input: $i) { tenant { name } userErrors { message } } }',
      variables: (bad) => ({ i: { allowedOrigins: ['https://ok.example', bad] } }),
      field: ['input', 'allowedOrigins', '1'],
    },
    {
      name: 'bookings filter.search',
      query: 'query ($f: BookingFilter) { bookings(filter: $f) { totalCount } }',
      variables: (bad) => ({ f: { search: bad } }),
      field: ['filter', 'search'],
    },
    {
      name: 'bookingsCsv filter.search',
      query: 'query ($f: BookingFilter) { bookingsCsv(filter: $f) }',
      variables: (bad) => ({ f: { search: bad } }),
      field: ['filter', 'search'],
    },
    {
      name: 'a customer token',
      query: 'query ($t: String!) { bookingByToken(token: $t) { id } }',
      variables: (bad) => ({ t: bad }),
      field: ['token'],
      token: 'none',
    },
  ];

  for (const c of cases) {
    for (const [kind, bad, rule] of [
      ['a NUL', NUL, /must not contain the NUL character \(U\+0000\)/],
      ['a lone surrogate', LONE, /must be valid Unicode text: it contains a lone surrogate/],
    ] as const) {
      it(`refuses ${kind} in ${c.name}, naming the field, writing nothing`, async () => {
        const before = await snapshot();
        const token = c.token === 'none' ? undefined : s.tenant.token;
        // The body is sent as JSON text with the escape, as a browser or script would.
        const res = await t.gql(c.query, c.variables(bad), { tenant: 'odd', token });
        expect(res.status).toBe(400);
        expect(res.data ?? null).toBeNull();
        expect(res.errors).toHaveLength(1);
        const error = res.errors?.[0];
        expect(error?.message).toMatch(rule);
        expect(error?.message).toContain(`Argument "${c.field.join('.')}"`);
        expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: c.field });
        expect(await snapshot()).toEqual(before);
      });
    }
  }

  it('refuses the same written inline in the document, with its location', async () => {
    const query = `mutation {\n  createResource(name: "x\\u0000y") { resource { id } }\n}`;
    const res = await t.gql(query, {}, { tenant: 'odd', token: s.tenant.token });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({
      message: 'Argument "name" of "createResource" must not contain the NUL character (U+0000)',
      extensions: { code: 'BAD_USER_INPUT', field: ['name'] },
    });
    expect(res.errors?.[0]?.locations).toEqual([{ line: 2, column: 24 }]);
  });

  it('keeps accepting text with characters outside the BMP (surrogate pairs)', async () => {
    const res = await t.gql<{ createResource: { resource: { name: string } } }>(
      'mutation ($n: String!) { createResource(name: $n) { resource { name } } }',
      { n: 'Room 🌿 ünïcödé' },
      { tenant: 'odd', token: s.tenant.token },
    );
    expect(res.data?.createResource.resource.name).toBe('Room 🌿 ünïcödé');
  });
});

describe('refused values name where they were', () => {
  it('tells from and to apart in literals written inline', async () => {
    for (const [from, to, field] of [
      ['2026-02-30', '2026-03-01', 'from'],
      ['2026-03-01', '2026-02-30', 'to'],
    ] as const) {
      const res = await t.gql(
        `{ slots(serviceId: "${s.serviceId}", from: "${from}", to: "${to}") { startsAt } }`,
        {},
        { tenant: 'odd' },
      );
      expect(res.status).toBe(400);
      expect(res.errors).toHaveLength(1);
      expect(res.errors?.[0]?.message).toBe(
        `Argument "${field}" of "slots": LocalDate must be a real date as YYYY-MM-DD (got "2026-02-30")`,
      );
      expect(res.errors?.[0]?.extensions).toMatchObject({
        code: 'GRAPHQL_VALIDATION_FAILED',
        field: [field],
      });
      expect(res.errors?.[0]?.locations).toHaveLength(1);
    }
  });

  it('names the path inside an input object, and the field, for enums and numbers too', async () => {
    const res = await t.gql(
      `mutation { createService(input: { name: "X", durationMinutes: "thirty" }) { service { id } } }`,
      {},
      { tenant: 'odd', token: s.tenant.token },
    );
    expect(res.errors?.[0]?.message).toMatch(
      /^Argument "input\.durationMinutes" of "createService": .*Int/,
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({ field: ['input', 'durationMinutes'] });
    const status = await t.gql(
      '{ bookings(filter: { statuses: [LOST] }) { totalCount } }',
      {},
      { tenant: 'odd', token: s.tenant.token },
    );
    expect(status.errors?.[0]?.message).toMatch(
      /^Argument "filter\.statuses\.0" of "bookings": .*LOST/,
    );
  });

  it('names the variable and the path inside it for variables', async () => {
    const res = await t.gql(
      'query ($from: LocalDate!) { slots(serviceId: "x", from: $from, to: "2026-03-01") { startsAt } }',
      { from: '2026-02-30' },
      { tenant: 'odd' },
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/^Variable "\$from" got invalid value "2026-02-30"/);
  });
});

describe('operations that name nothing', () => {
  const post = (body: unknown) =>
    fetch(`${t.url}/t/odd/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it("answers an unknown operationName with GraphQL's own error", async () => {
    const res = await post({ query: 'query A { __typename }', operationName: 'Z' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ message: string }> };
    expect(body.errors.map((e) => e.message)).toEqual(['Unknown operation named "Z".']);
  });

  it('answers two operations with none chosen with the same kind of error', async () => {
    const res = await post({ query: 'query A { __typename } query B { __typename }' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ message: string }> };
    expect(body.errors.map((e) => e.message)).toEqual([
      'Must provide operation name if query contains multiple operations.',
    ]);
  });

  it('still runs the operation chosen among several', async () => {
    const res = await post({
      query: 'query A { __typename } query B { tenant { slug } }',
      operationName: 'B',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { tenant: { slug: 'odd' } } });
  });
});

describe('reserved host names', () => {
  const update = (subdomain: string) =>
    t.gql<{
      updateTenant: { tenant: unknown; userErrors: Array<{ field: string[]; message: string }> };
    }>(
      'mutation ($s: String) { updateTenant(input: { subdomain: $s }) { tenant { subdomain } userErrors { field message } } }',
      { s: subdomain },
      { tenant: 'odd', token: s.tenant.token },
    );

  it("refuses www (and the platform's other host names) as a subdomain, and the tenant stays reachable", async () => {
    for (const label of ['www', 'api', 'admin']) {
      const res = await update(label);
      expect(res.data?.updateTenant.tenant).toBeNull();
      expect(res.data?.updateTenant.userErrors).toEqual([
        {
          field: ['input', 'subdomain'],
          message: expect.stringContaining("must not be one of the platform's own host names"),
        },
      ]);
    }
    const [row] = await sql<{ subdomain: string }>(
      t.database,
      "select subdomain from tenant where slug = 'odd'",
    );
    expect(row?.subdomain).toBe('odd');
    const byHost = await t.gql<{ tenant: { slug: string } }>(
      '{ tenant { slug } }',
      {},
      { headers: { host: `odd.${BASE_DOMAIN}` } },
    );
    expect(byHost.data?.tenant.slug).toBe('odd');
  });

  it('refuses a new tenant whose subdomain would default to a reserved slug', async () => {
    const res = await t.gql<{
      createTenant: { tenant: unknown; userErrors: Array<{ field: string[]; message: string }> };
    }>(
      'mutation ($i: CreateTenantInput!) { createTenant(input: $i) { tenant { id } userErrors { field message } } }',
      {
        i: {
          slug: 'www',
          name: 'W',
          timeZone: 'UTC',
          email: 'w@example.com',
          adminEmail: 'a@w.example',
          adminPassword: 'correct-horse-battery',
        },
      },
      { token: PLATFORM_TOKEN },
    );
    expect(res.data?.createTenant.tenant).toBeNull();
    expect(res.data?.createTenant.userErrors[0]?.field).toEqual(['input', 'subdomain']);
    const [row] = await sql<{ n: number }>(
      t.database,
      "select count(*)::int as n from tenant where slug = 'www'",
    );
    expect(row?.n).toBe(0);
  });
});
