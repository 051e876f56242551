import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { type Scenario, scenario, weekdays } from '../helpers/scenario.js';

let t: TestApp;
let s: Scenario;
let production: TestApp;

beforeAll(async () => {
  t = await startTestApp({ EMAIL_ENABLED: 'false' });
  s = await scenario(t, 'shop', { windows: weekdays('09:00', '17:00') });
  await s.admin(
    'mutation { updateTenant(input: { allowedOrigins: ["https://www.shop.example"] }) { userErrors { message } } }',
  );
  production = await startTestApp({
    NODE_ENV: 'production',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '2525',
    EMAIL_ENABLED: 'false',
  });
});
afterAll(async () => {
  await t?.close();
  await production?.close();
});

const post = (body: string | Buffer, headers: Record<string, string> = {}, app = t) =>
  fetch(`${app.url}/t/shop/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
const json = (value: unknown) => JSON.stringify(value);

async function stillServing() {
  const res = await post(json({ query: '{ tenant { slug } }' }));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ data: { tenant: { slug: 'shop' } } });
}

describe('a hostile query corpus', () => {
  const cases: Array<[string, () => Promise<Response>, number, RegExp]> = [
    [
      'an alias flood',
      () =>
        post(
          json({
            query: `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: tenant { slug }`).join(' ')} }`,
          }),
        ),
      400,
      /aliases/i,
    ],
    [
      'a directive flood',
      () => post(json({ query: `{ tenant ${'@include(if: true) '.repeat(50)} { slug } }` })),
      400,
      /directives/i,
    ],
    [
      'a token flood',
      () => post(json({ query: `{ ${'tenant { slug } '.repeat(1500)} }` })),
      400,
      /token/i,
    ],
    [
      'a batched array',
      () => post(json([{ query: '{ tenant { slug } }' }, { query: '{ tenant { slug } }' }])),
      400,
      /batch/i,
    ],
    [
      'a huge body',
      () => post(json({ query: '{ tenant { slug } }', variables: { x: 'x'.repeat(300_000) } })),
      413,
      /too large/i,
    ],
    [
      'invalid UTF-8',
      () => post(Buffer.from([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
      400,
      /./,
    ],
    ['malformed JSON', () => post('{"query": "{ tenant { slug } }"'), 400, /./],
    [
      'a text/plain body (a cross-site form)',
      () => post(json({ query: '{ tenant { slug } }' }), { 'content-type': 'text/plain' }),
      400,
      /./,
    ],
    ['an XML body', () => post('<query/>', { 'content-type': 'application/xml' }), 415, /./],
    [
      'a mutation over GET',
      () =>
        fetch(`${t.url}/t/shop/graphql?query=${encodeURIComponent('mutation { logout }')}`, {
          headers: { 'apollo-require-preflight': '1' },
        }),
      405,
      /./,
    ],
    [
      'a GET without a CSRF-safe header',
      () => fetch(`${t.url}/t/shop/graphql?query=${encodeURIComponent('{ tenant { slug } }')}`),
      400,
      /CSRF|preflight/i,
    ],
  ];

  it.each(cases)('%s gets a clean error', async (_name, send, status, message) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(message);
    await stillServing();
  });

  it('keeps serving others while it is attacked', async () => {
    const attacks = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? post(
            json({
              query: `{ ${Array.from({ length: 100 }, (_, j) => `a${j}: tenant { slug }`).join(' ')} }`,
            }),
          )
        : i % 3 === 1
          ? post(Buffer.from([0xff, 0xfe, 0xfd]))
          : post(json({ query: '{ tenant { slug } }', variables: { x: 'y'.repeat(200_000) } })),
    );
    const [normal] = await Promise.all([post(json({ query: '{ tenant { slug } }' })), ...attacks]);
    expect(normal.status).toBe(200);
    await stillServing();
  });

  it('refuses over-long text in inputs with a clear error, writing nothing', async () => {
    const before = await sql(t.database, 'select id from service');
    const res = await t.gql<{ createService: { userErrors: Array<{ field: string[] }> } }>(
      'mutation ($input: ServiceInput!) { createService(input: $input) { service { id } userErrors { code field message } } }',
      { input: { name: 'n'.repeat(5000), durationMinutes: 30 } },
      { tenant: 'shop', token: s.tenant.token },
    );
    expect(res.data?.createService.userErrors[0]?.field).toEqual(['input', 'name']);
    expect(await sql(t.database, 'select id from service')).toHaveLength(before.length);
  });
});

describe('production', () => {
  it('describes the schema only to signed-in admins, and hides field suggestions', async () => {
    const p = await scenario(production, 'prod', { windows: weekdays('09:00', '17:00') });
    const introspect = '{ __schema { queryType { name } } }';
    const anonymous = await production.gql(introspect, {}, { tenant: 'prod' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const admin = await production.gql(introspect, {}, { tenant: 'prod', token: p.tenant.token });
    expect(admin.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    // The same document again (Apollo reuses it, and the gate remembers what it contains).
    const again = await production.gql(introspect, {}, { tenant: 'prod' });
    expect(again.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const typo = await production.gql('{ tenat { slug } }', {}, { tenant: 'prod' });
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const devTypo = await t.gql('{ tenat { slug } }', {}, { tenant: 'shop' });
    expect(devTypo.errors?.[0]?.message).toMatch(/Did you mean "tenant"/);
  });
});

describe('CORS per tenant', () => {
  const preflight = (origin: string) =>
    fetch(`${t.url}/t/shop/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });

  it('lets an allowed origin call, and answers its preflight', async () => {
    const pre = await preflight('https://www.shop.example');
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://www.shop.example');
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    const res = await post(json({ query: '{ tenant { slug } }' }), {
      origin: 'https://www.shop.example',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.shop.example');
  });

  it('refuses a disallowed origin before the request runs, saying why', async () => {
    const refusedPreflight = await preflight('https://evil.example');
    expect(refusedPreflight.status).toBe(403);
    expect(refusedPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(await refusedPreflight.json()).toEqual({
      errors: [
        {
          message: expect.stringMatching(
            /^The origin https:\/\/evil\.example may not call this API for this tenant: an admin adds it to the tenant's allowedOrigins/,
          ),
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
    const before = await sql(t.database, 'select id from booking');
    const res = await post(
      json({
        query: 'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } } }',
        variables: {
          i: {
            serviceId: s.serviceId,
            startsAt: '2027-01-04T10:00:00Z',
            customer: { name: 'Eve', email: 'eve@example.com' },
          },
        },
      }),
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
    // The refusal (no data) is readable by the page, so its developer sees the reason.
    expect(res.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(await res.json()).toMatchObject({
      errors: [
        {
          message: expect.stringContaining('https://evil.example may not call this API'),
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
    expect(await sql(t.database, 'select id from booking')).toHaveLength(before.length);
    // Another tenant's allowed origin is not this tenant's.
    const viaHeader = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'https://www.shop.example',
        'x-tenant': 'nobody-else',
      },
      body: json({ query: '{ __typename }' }),
    });
    expect(viaHeader.status).not.toBe(200);
  });

  it('applies a change of allowedOrigins at once, on this instance and on another', async () => {
    const other = await startTestApp({ EMAIL_ENABLED: 'false' }, { database: t.database });
    try {
      const origin = 'https://new.shop.example';
      const from = (app: TestApp) =>
        fetch(`${app.url}/t/shop/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin },
          body: json({ query: '{ tenant { slug } }' }),
        });
      // Both instances have the tenant in memory, without the new origin.
      expect((await from(t)).status).toBe(403);
      expect((await from(other)).status).toBe(403);
      await s.admin(
        'mutation ($o: [String!]) { updateTenant(input: { allowedOrigins: $o }) { userErrors { message } } }',
        { o: ['https://www.shop.example', origin] },
      );
      expect((await from(t)).status).toBe(200);
      // The other instance hears of it through the change feed, within moments.
      const deadline = Date.now() + 5_000;
      let status = (await from(other)).status;
      while (status !== 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await from(other)).status;
      }
      expect(status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('looks up no tenant for a name that cannot be one, and keeps no unknown name', async () => {
    const ask = (tenant: string) =>
      fetch(`${t.url}/t/${encodeURIComponent(tenant)}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: 'https://x.example', 'access-control-request-method': 'POST' },
      });
    const badShape = await t.statementsDuring(() => ask('No_Such..Name'));
    expect(badShape).toEqual([]);
    // An unknown name of the right shape is looked up, and not kept: the next asks again.
    for (let i = 0; i < 2; i++) {
      const unknown = await t.statementsDuring(() => ask('no-such-tenant'));
      expect(unknown.filter((q) => q.includes('"tenant"'))).toHaveLength(1);
    }
    // A known one is kept: asking twice reads it at most once.
    const known = await t.statementsDuring(async () => {
      await ask('shop');
      await ask('shop');
    });
    expect(known.filter((q) => q.includes('"tenant"')).length).toBeLessThanOrEqual(1);
  });

  it("always lets the console's own origin call", async () => {
    const res = await post(json({ query: '{ tenant { slug } }' }), {
      origin: new URL(t.url).origin,
    });
    expect(res.status).toBe(200);
  });

  it('leaves calls without an Origin (servers, scripts) alone', async () => {
    expect((await post(json({ query: '{ tenant { slug } }' }))).status).toBe(200);
  });
});

describe('security headers', () => {
  it('are on every response, with a strict CSP for the console', async () => {
    for (const path of ['/healthz', '/graphql', '/console/']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const csp = (await fetch(`${t.url}/console/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });
});
