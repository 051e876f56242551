import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/security/rate-limits.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import {
  CREATE_BOOKING,
  everyDay,
  type Scenario,
  scenario,
  weekdays,
} from '../helpers/scenario.js';

/**
 * Each limit: the last request within it passes, the next is refused with RATE_LIMITED, a
 * retry-after and HTTP 429, and writes nothing. The server trusts X-Forwarded-For from
 * 127.0.0.1 here, so each test can speak as its own client address.
 */
let t: TestApp;
let s: Scenario;
let ipCounter = 0;
const freshIp = () => `203.0.113.${++ipCounter}`;

beforeAll(async () => {
  t = await startTestApp({
    RATE_LIMITS: 'true',
    TRUSTED_PROXIES: '127.0.0.1',
    EMAIL_ENABLED: 'false',
  });
  s = await scenario(t, 'busy', {
    windows: everyDay('00:00', '24:00'),
    service: { durationMinutes: 5 },
  });
});
afterAll(() => t?.close());

const bookingCount = async () =>
  (await sql<{ n: number }>(t.database, 'select count(*)::int as n from booking'))[0]?.n ?? 0;

let slot = 0;
function bookFrom(ip: string, tenant = 'busy') {
  const startsAt = new Date(Date.parse('2027-01-04T00:00:00Z') + slot++ * 5 * 60_000).toISOString();
  return t.gql<{ createBooking: { booking: { id: string } | null } }>(
    CREATE_BOOKING,
    {
      input: {
        serviceId: s.serviceId,
        startsAt,
        customer: { name: 'Rate Tester', email: 'rate@example.com' },
      },
    },
    { tenant, headers: { 'x-forwarded-for': ip } },
  );
}

function expectLimited(res: {
  status: number;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}) {
  expect(res.status).toBe(429);
  expect(res.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  expect(Number(res.errors?.[0]?.extensions?.retryAfter)).toBeGreaterThan(0);
  expect(res.errors?.[0]?.message).toMatch(/try again in \d+ s/);
}

describe('createBooking and the token mutations, per client address', () => {
  it(`let ${LIMITS.publicWriteIp.points} through and refuse the next, writing nothing`, async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMITS.publicWriteIp.points - 1; i++) {
      expect((await bookFrom(ip)).data?.createBooking.booking).toBeTruthy();
    }
    // The last point is spent by a token mutation: they share the budget.
    const token = await t.gql(
      'mutation { cancelBookingByToken(token: "bkm_unknown-token-unknown-token-unknown-token-0") { userErrors { code } } }',
      {},
      { tenant: 'busy', headers: { 'x-forwarded-for': ip } },
    );
    expect(token.data).toEqual({ cancelBookingByToken: { userErrors: [{ code: 'NOT_FOUND' }] } });
    const before = await bookingCount();
    const refused = await bookFrom(ip);
    expectLimited(refused);
    expect(refused.data ?? null).toBeNull();
    expect(await bookingCount()).toBe(before);
    // Another address is not affected.
    expect((await bookFrom(freshIp())).data?.createBooking.booking).toBeTruthy();
  });
});

describe('createBooking per tenant', () => {
  it(`lets ${LIMITS.publicWriteTenant.points} through from many addresses, then refuses`, async () => {
    const other = await scenario(t, 'flooded', {
      windows: weekdays('00:00', '24:00'),
      service: { durationMinutes: 5 },
    });
    const serviceId = other.serviceId;
    let n = 0;
    const attempt = () =>
      t.gql<{ createBooking: { userErrors: unknown[] } }>(
        CREATE_BOOKING,
        {
          input: {
            serviceId,
            startsAt: '2030-01-01T00:00:00Z',
            customer: { name: 'Flood', email: `f${n}@example.com` },
          },
        },
        { tenant: 'flooded', headers: { 'x-forwarded-for': `198.51.100.${(n++ % 250) + 1}` } },
      );
    for (let i = 0; i < LIMITS.publicWriteTenant.points; i++) {
      const res = await attempt();
      expect(res.status).toBe(200);
    }
    expectLimited(await attempt());
    // The other tenant still takes bookings.
    expect((await bookFrom(freshIp())).data?.createBooking.booking).toBeTruthy();
  });
});

describe('login', () => {
  const LOGIN =
    'mutation ($e: EmailAddress!, $p: String!) { login(email: $e, password: $p) { session { token } userErrors { message } } }';
  const login = (password: string, ip: string, email = s.tenant.adminEmail) =>
    t.gql<{ login: { session: { token: string } | null } }>(
      LOGIN,
      { e: email, p: password },
      { tenant: 'busy', headers: { 'x-forwarded-for': ip } },
    );

  it(`locks an account after ${LIMITS.loginAccount.points} failures, whatever the password and the address`, async () => {
    for (let i = 0; i < LIMITS.loginAccount.points; i++) {
      const res = await login('wrong-password!', freshIp());
      expect(res.data?.login.session).toBeNull();
    }
    expectLimited(await login(s.tenant.adminPassword, freshIp()));
    const before = (await sql(t.database, 'select id from session')).length;
    expectLimited(await login(s.tenant.adminPassword, freshIp()));
    expect(await sql(t.database, 'select id from session')).toHaveLength(before);
    // Another account of the tenant is not locked.
    const other = await login('wrong-password!', freshIp(), 'nobody@busy.example');
    expect(other.status).toBe(200);
  });

  it(`allows ${LIMITS.loginIp.points} attempts per address`, async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMITS.loginIp.points; i++) {
      expect((await login('wrong', ip, `user${i}@busy.example`)).status).toBe(200);
    }
    expectLimited(await login('wrong', ip, 'another@busy.example'));
  });
});

describe('invitations and password resets', () => {
  const request = (email: string, ip: string) =>
    t.gql(
      'mutation ($email: EmailAddress!) { requestPasswordReset(email: $email) }',
      { email },
      { tenant: 'busy', headers: { 'x-forwarded-for': ip } },
    );

  it(`mail at most ${LIMITS.resetAccount.points} reset links an hour to one email, known or not, from any address`, async () => {
    for (const email of [s.tenant.adminEmail, 'nobody-here@busy.example']) {
      for (let i = 0; i < LIMITS.resetAccount.points; i++) {
        expect((await request(email, freshIp())).data).toEqual({ requestPasswordReset: true });
      }
      expectLimited(await request(email, freshIp()));
    }
    const [row] = await sql<{ n: number }>(
      t.database,
      'select count(*)::int as n from password_reset',
    );
    expect(row?.n).toBe(LIMITS.resetAccount.points);
  });

  it(`count a guessed invitation or reset token as a sign-in attempt of the address`, async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMITS.loginIp.points; i++) {
      const res = await t.gql(
        i % 2
          ? 'mutation { acceptInvitation(token: "bki_guess", name: "G", password: "long-enough-password") { userErrors { field } } }'
          : 'mutation { resetPassword(token: "bkr_guess", newPassword: "long-enough-password") { userErrors { field } } }',
        {},
        { tenant: 'busy', headers: { 'x-forwarded-for': ip } },
      );
      expect(res.status).toBe(200);
    }
    expectLimited(
      await t.gql(
        'mutation { resetPassword(token: "bkr_guess", newPassword: "long-enough-password") { userErrors { field } } }',
        {},
        { tenant: 'busy', headers: { 'x-forwarded-for': ip } },
      ),
    );
    expect(await sql(t.database, 'select id from app_user where email like $1', ['g%'])).toEqual(
      [],
    );
  });
});

describe('every request, per client address', () => {
  it(`lets ${LIMITS.general.points} a minute through, then answers 429 with Retry-After`, async () => {
    const ip = freshIp();
    const typename = () =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: '{"query":"{ __typename }"}',
      });
    for (let i = 0; i < LIMITS.general.points; i++) {
      const res = await typename();
      expect(res.status).toBe(200);
    }
    const refused = await typename();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({
      errors: [{ extensions: { code: 'RATE_LIMITED' } }],
    });
    // Health checks are not limited.
    expect((await fetch(`${t.url}/healthz`, { headers: { 'x-forwarded-for': ip } })).status).toBe(
      200,
    );
  });
});

describe('X-Forwarded-For', () => {
  it('counts only from configured proxies: without them every claimed address is the same client', async () => {
    const direct = await startTestApp({ RATE_LIMITS: 'true', EMAIL_ENABLED: 'false' });
    try {
      const d = await scenario(direct, 'direct', {
        windows: weekdays('00:00', '24:00'),
        service: { durationMinutes: 5 },
      });
      let refused = 0;
      for (let i = 0; i <= LIMITS.publicWriteIp.points; i++) {
        const res = await direct.gql(
          CREATE_BOOKING,
          {
            input: {
              serviceId: d.serviceId,
              startsAt: '2030-01-01T00:00:00Z',
              customer: { name: 'X', email: 'x@example.com' },
            },
          },
          { tenant: 'direct', headers: { 'x-forwarded-for': `192.0.2.${i + 1}` } },
        );
        if (res.status === 429) refused++;
      }
      expect(refused).toBe(1);
    } finally {
      await direct.close();
    }
  });
});

describe('two instances on one database', () => {
  it('share their counters', async () => {
    const { startApp } = await import('../../src/app.js');
    const second = await startApp({ ...t.app.config, port: 0 });
    try {
      const ip = freshIp();
      const post = (base: string) =>
        fetch(`${base}/t/busy/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: JSON.stringify({
            query: CREATE_BOOKING,
            variables: {
              input: {
                serviceId: s.serviceId,
                startsAt: '2030-01-01T00:00:00Z',
                customer: { name: 'Y', email: 'y@example.com' },
              },
            },
          }),
        });
      const statuses: number[] = [];
      for (let i = 0; i <= LIMITS.publicWriteIp.points; i++)
        statuses.push((await post(i % 2 === 0 ? t.url : second.url)).status);
      expect(statuses.slice(0, LIMITS.publicWriteIp.points).every((st) => st === 200)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await second.close();
    }
  });
});
