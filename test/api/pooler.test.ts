import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { login, startTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, databaseUrl } from '../helpers/database.js';
import { type Pooler, startPgBouncer } from '../helpers/pgbouncer.js';
import { book, type Scenario, scenario, weekdays } from '../helpers/scenario.js';

/**
 * Two instances behind Debian's PgBouncer in transaction mode, then two more whose change
 * feed bypasses it (CHANGE_FEED_DATABASE_URL). LISTEN does not survive transaction pooling:
 * the feed must notice that it hears nothing, keep the read caches off, and so never answer
 * from a stale cache; pointed past the pooler it hears again and the caches are back on.
 */
const NOW = Date.parse('2026-01-01T00:00:00Z');
let pooler: Pooler;
let database: string;
const apps: TestApp[] = [];
let s: Scenario;

const start = async (env: Record<string, string>) => {
  const app = await startTestApp(
    {
      DATABASE_URL: pooler.url(database),
      CHANGE_FEED_PROBE_SECONDS: '1',
      EMAIL_ENABLED: 'false',
      RATE_LIMITS: 'true',
      ...env,
    },
    { clock: () => NOW, database },
  );
  apps.push(app);
  return app;
};

beforeAll(async () => {
  pooler = await startPgBouncer(inject('pgPort'), 'transaction');
  database = await createTestDatabase();
}, 60_000);

afterAll(async () => {
  for (const app of apps) await app.close();
  await pooler?.stop();
});

const SLOTS =
  'query ($id: ID!) { slots(serviceId: $id, from: "2026-03-02", to: "2026-03-06") { startsAt } }';
const slotsOn = async (app: TestApp) =>
  (
    await app.gql<{ slots: Array<{ startsAt: string }> }>(
      SLOTS,
      { id: s.serviceId },
      { tenant: 'pooled' },
    )
  ).data?.slots.map((x) => x.startsAt) ?? [];
const me = (app: TestApp, token: string) =>
  app.gql<{ me: { kind: string } | null }>('{ me { kind } }', {}, { tenant: 'pooled', token });
const ready = async (app: TestApp) =>
  (await (await fetch(`${app.url}/readyz`)).json()) as { status: string; changeFeed: string };

/** Polls `check` until it holds (up to `ms`), for what another instance hears of a moment later. */
async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('behind PgBouncer in transaction mode', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    [a, b] = await Promise.all([start({}), start({})]);
    s = await scenario(a, 'pooled', { windows: weekdays('09:00', '17:00') });
  }, 60_000);

  it('works through the pooler: migrations, bookings, rate limits, the job queue', async () => {
    expect((await ready(a)).status).toBe('ready');
    const offered = await slotsOn(b);
    expect(offered.length).toBeGreaterThan(10);
    const res = await book(a, 'pooled', { serviceId: s.serviceId, startsAt: offered[3] });
    expect(res.data?.createBooking.userErrors).toEqual([]);
    // The event feed reads in one statement (its own snapshot): the pooler changes nothing.
    const feed = await b.gql<{ bookingEvents: { edges: Array<{ node: { bookingId: string } }> } }>(
      '{ bookingEvents { edges { node { bookingId } } } }',
      {},
      { tenant: 'pooled', token: s.tenant.token },
    );
    expect(feed.data?.bookingEvents.edges.map((e) => e.node.bookingId)).toEqual([
      res.data?.createBooking.booking?.id,
    ]);
  });

  it('knows that its change feed hears nothing, and keeps the read caches off', async () => {
    expect(a.app.services.caches.feed.live).toBe(false);
    expect(b.app.services.caches.feed.live).toBe(false);
    expect((await ready(b)).changeFeed).toBe('off');
  });

  it('never offers on one instance a slot booked on the other', async () => {
    // Asked twice on B: with its caches on, the second answer would be kept.
    await slotsOn(b);
    const before = await slotsOn(b);
    const taken = before[0] ?? '';
    const res = await book(a, 'pooled', { serviceId: s.serviceId, startsAt: taken });
    expect(res.data?.createBooking.userErrors).toEqual([]);
    expect(await slotsOn(b)).not.toContain(taken);
  });

  it('refuses on one instance a session logged out on the other, at once', async () => {
    const token = await login(a, 'pooled', s.tenant.adminEmail, s.tenant.adminPassword);
    expect((await me(a, token)).data?.me?.kind).toBe('USER');
    expect((await me(a, token)).data?.me?.kind).toBe('USER');
    const out = await b.gql<{ logout: boolean }>(
      'mutation { logout }',
      {},
      {
        tenant: 'pooled',
        token,
      },
    );
    expect(out.data?.logout).toBe(true);
    expect((await me(a, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('with the change feed pointed past the pooler (CHANGE_FEED_DATABASE_URL)', () => {
  let c: TestApp;
  let d: TestApp;

  beforeAll(async () => {
    const direct = { CHANGE_FEED_DATABASE_URL: databaseUrl(database) };
    [c, d] = await Promise.all([start(direct), start(direct)]);
  }, 60_000);

  it('hears its notifications, so the caches are on', async () => {
    expect(c.app.services.caches.feed.live).toBe(true);
    expect(d.app.services.caches.feed.live).toBe(true);
    expect((await ready(d)).changeFeed).toBe('live');
  });

  it('drops a slot booked on the other instance from its kept answers within moments', async () => {
    await slotsOn(d);
    const kept = await slotsOn(d);
    const taken = kept[0] ?? '';
    const kept2 = await d.statementsDuring(() => slotsOn(d));
    expect(kept2.filter((q) => q.includes('"booking"'))).toEqual([]);
    const res = await book(c, 'pooled', { serviceId: s.serviceId, startsAt: taken });
    expect(res.data?.createBooking.userErrors).toEqual([]);
    expect(await eventually(async () => !(await slotsOn(d)).includes(taken))).toBe(true);
  });

  it('refuses a session logged out on the other instance within moments', async () => {
    const token = await login(c, 'pooled', s.tenant.adminEmail, s.tenant.adminPassword);
    expect((await me(c, token)).data?.me?.kind).toBe('USER');
    await d.gql('mutation { logout }', {}, { tenant: 'pooled', token });
    expect(
      await eventually(
        async () => (await me(c, token)).errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
      ),
    ).toBe(true);
  });
});
