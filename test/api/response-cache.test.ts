import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, PLATFORM_TOKEN, startTestApp, type TestApp } from '../helpers/app.js';
import { insertBooking } from '../helpers/bookings.js';
import { sql } from '../helpers/database.js';
import { book, everyDay, type Scenario, scenario } from '../helpers/scenario.js';
import { waitFor } from '../helpers/smtp.js';

/**
 * The read caches (docs/PERFORMANCE.md): a repeated `slots` query is answered from memory
 * (no SQL at all, the tenant included) until the data under it changes, here or in another
 * process, or the clock passes the answer's last valid instant; with the change feed's
 * connection down nothing is answered from memory.
 */

let now = Date.parse('2026-01-01T00:00:00Z');
let t: TestApp;
let s: Scenario;

const SLOTS =
  'query ($serviceId: ID!, $from: LocalDate!, $to: LocalDate!) { slots(serviceId: $serviceId, from: $from, to: $to) { startsAt endsAt remainingCapacity } }';

async function startsOn(date: string): Promise<string[]> {
  const res = await t.gql<{ slots: Array<{ startsAt: string }> }>(
    SLOTS,
    { serviceId: s.serviceId, from: date, to: date },
    { tenant: s.tenant.slug },
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return (res.data?.slots ?? []).map((slot) => slot.startsAt.slice(11, 16));
}

/** The statements the server ran to answer `startsOn(date)`, and the answer. */
async function measured(date: string): Promise<{ statements: number; starts: string[] }> {
  let starts: string[] = [];
  const statements = await t.statementsDuring(async () => {
    starts = await startsOn(date);
  });
  return { statements: statements.length, starts };
}

const feed = () => t.app.services.caches.feed;

/** A booking written by another writer (SQL), once its change notification has arrived. */
async function bookedElsewhere(startsAt: string): Promise<void> {
  const before = feed().version(s.tenant.id);
  await insertBooking(t.database, {
    tenantId: s.tenant.id,
    serviceId: s.serviceId,
    resourceId: s.resourceId,
    startsAt,
    durationMinutes: 60,
  });
  // The trigger's notification reaches the server's listener shortly after the commit.
  await waitFor('the change notification', async () => feed().version(s.tenant.id) > before, 5000);
}

beforeAll(async () => {
  t = await startTestApp({}, { clock: () => now });
  s = await scenario(t, 'cached', { windows: everyDay('09:00', '12:00') });
  // No notification jobs: their worker shares the ORM and would add statements.
  await s.admin(
    'mutation { updateTenant(input: { emailEnabled: false }) { userErrors { code } } }',
  );
});
afterAll(() => t?.close());

describe('the response cache', () => {
  it('records no statement while the server is idle: its background sweeps stay out of the query log', async () => {
    // The reminder sweep runs every second (JOBS_SUPERVISE_SECONDS=1 in tests); a statement of
    // its own counted here would make every `statements: 0` below depend on timing.
    const idle = await t.statementsDuring(() => new Promise((r) => setTimeout(r, 2500)));
    expect(idle).toEqual([]);
  });

  it('answers a repeated query from memory, without a statement', async () => {
    const first = await measured('2026-01-05');
    expect(first.starts).toEqual(['09:00', '10:00', '11:00']);
    expect(first.statements).toBeGreaterThan(0);
    const again = await measured('2026-01-05');
    expect(again).toEqual({ statements: 0, starts: ['09:00', '10:00', '11:00'] });
    // Another range is another answer.
    expect((await measured('2026-01-06')).statements).toBeGreaterThan(0);
  });

  it("shows this server's own writes at once", async () => {
    await startsOn('2026-01-07');
    const booked = await book(t, s.tenant.slug, {
      serviceId: s.serviceId,
      startsAt: '2026-01-07T10:00:00Z',
    });
    expect(booked.data?.createBooking.userErrors).toEqual([]);
    expect(await startsOn('2026-01-07')).toEqual(['09:00', '11:00']);
  });

  it('hears of changes committed elsewhere (another process, a SQL console)', async () => {
    expect(await startsOn('2026-01-08')).toEqual(['09:00', '10:00', '11:00']);
    await bookedElsewhere('2026-01-08T11:00:00Z');
    const after = await measured('2026-01-08');
    expect(after.starts).toEqual(['09:00', '10:00']);
    expect(after.statements).toBeGreaterThan(0);
  });

  it('keeps an answer only while the clock leaves it unchanged', async () => {
    now = Date.parse('2026-01-09T08:30:00Z');
    expect(await startsOn('2026-01-09')).toEqual(['09:00', '10:00', '11:00']);
    // No notice: the 09:00 slot is bookable up to and including 09:00:00.000.
    now = Date.parse('2026-01-09T09:00:00.000Z');
    expect(await measured('2026-01-09')).toEqual({
      statements: 0,
      starts: ['09:00', '10:00', '11:00'],
    });
    now += 1;
    const later = await measured('2026-01-09');
    expect(later.starts).toEqual(['10:00', '11:00']);
    expect(later.statements).toBeGreaterThan(0);
    // A clock set back before the answer was computed does not reuse it either.
    now = Date.parse('2026-01-09T08:00:00Z');
    expect(await startsOn('2026-01-09')).toEqual(['09:00', '10:00', '11:00']);
    now = Date.parse('2026-01-01T00:00:00Z');
  });

  it('answers nothing from memory while its change feed is down, and resumes once it is back', async () => {
    expect((await measured('2026-01-12')).starts).toEqual(['09:00', '10:00', '11:00']);
    await sql(
      t.database,
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'booking-api change feed' and datname = current_database()",
    );
    await waitFor('the feed to notice', async () => !feed().live, 5000);
    // Whatever happens meanwhile is seen, since every answer is computed.
    await insertBooking(t.database, {
      tenantId: s.tenant.id,
      serviceId: s.serviceId,
      resourceId: s.resourceId,
      startsAt: '2026-01-12T09:00:00Z',
      durationMinutes: 60,
    });
    // Computed either way: with the feed still down nothing is kept, and reconnecting drops
    // everything kept before.
    const during = await measured('2026-01-12');
    expect(during.starts).toEqual(['10:00', '11:00']);
    expect(during.statements).toBeGreaterThan(0);
    await waitFor('the feed to reconnect', async () => feed().live, 15_000);
    expect((await measured('2026-01-12')).starts).toEqual(['10:00', '11:00']);
    expect(await measured('2026-01-12')).toEqual({ statements: 0, starts: ['10:00', '11:00'] });
  });

  it("keeps an admin's booking listing per caller, until a booking changes", async () => {
    const LIST =
      '{ bookings(first: 100) { totalCount edges { node { reference status service { name } } } } }';
    const list = async (token: string) => {
      let total = -1;
      const statements = await t.statementsDuring(async () => {
        const res = await t.gql<{ bookings: { totalCount: number } }>(
          LIST,
          {},
          {
            tenant: s.tenant.slug,
            token,
          },
        );
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        total = res.data?.bookings.totalCount ?? -1;
      });
      return { total, statements: statements.length };
    };
    const first = await list(s.tenant.token);
    expect(first.statements).toBeGreaterThan(1);
    // The session too is kept while nothing of the tenant changes: no statement at all.
    const again = await list(s.tenant.token);
    expect(again).toEqual({ total: first.total, statements: 0 });
    const booked = await book(t, s.tenant.slug, {
      serviceId: s.serviceId,
      startsAt: '2026-01-14T09:00:00Z',
    });
    expect(booked.data?.createBooking.userErrors).toEqual([]);
    const after = await list(s.tenant.token);
    expect(after.total).toBe(first.total + 1);
    expect(after.statements).toBeGreaterThan(1);
  });

  it('keeps tenants and sessions while only bookings change, and not once their own rows do', async () => {
    const LIST = '{ bookings(first: 5) { totalCount } }';
    const reads = async () => {
      let total = -1;
      const statements = await t.statementsDuring(async () => {
        const res = await t.gql<{ bookings: { totalCount: number } }>(
          LIST,
          {},
          { tenant: s.tenant.slug, token: s.tenant.token },
        );
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        total = res.data?.bookings.totalCount ?? -1;
      });
      const of = (table: string) =>
        statements.filter((sql) => new RegExp(`from "${table}"`).test(sql)).length;
      return { total, tenant: of('tenant'), session: of('session'), booking: of('booking') };
    };
    const first = await reads();
    expect(await reads()).toEqual({ total: first.total, tenant: 0, session: 0, booking: 0 });

    // A booking made here: the listing is computed again, the tenant and session are not read.
    const booked = await book(t, s.tenant.slug, {
      serviceId: s.serviceId,
      startsAt: '2026-01-15T09:00:00Z',
    });
    expect(booked.data?.createBooking.userErrors).toEqual([]);
    const afterHere = await reads();
    expect(afterHere).toMatchObject({ total: first.total + 1, tenant: 0, session: 0 });
    expect(afterHere.booking).toBeGreaterThan(0);

    // A booking written elsewhere: the same, once its notification arrives.
    await bookedElsewhere('2026-01-15T10:00:00Z');
    const afterElsewhere = await reads();
    expect(afterElsewhere).toMatchObject({ total: first.total + 2, tenant: 0, session: 0 });
    expect(afterElsewhere.booking).toBeGreaterThan(0);

    // The tenant's own row changed elsewhere: it is read again, and so is the session.
    const before = feed().version(s.tenant.id);
    await sql(t.database, "update tenant set name = name || ' ' where id = $1", [s.tenant.id]);
    await waitFor('the tenant notice', async () => feed().version(s.tenant.id) > before, 5000);
    expect(await reads()).toMatchObject({ total: first.total + 2, tenant: 1, session: 1 });
  });

  it('refuses a session at once when it is signed out here, or revoked anywhere', async () => {
    const me = '{ me { email } }';
    const signedIn = async (token: string) =>
      (await t.gql(me, {}, { tenant: s.tenant.slug, token })).errors?.[0]?.extensions?.code ?? 'OK';
    const here = await login(t, s.tenant.slug, s.tenant.adminEmail, s.tenant.adminPassword);
    expect(await signedIn(here)).toBe('OK');
    expect(await signedIn(here)).toBe('OK');
    const out = await t.gql('mutation { logout }', {}, { tenant: s.tenant.slug, token: here });
    expect(out.errors).toBeUndefined();
    expect(await signedIn(here)).toBe('UNAUTHENTICATED');

    const elsewhere = await login(t, s.tenant.slug, s.tenant.adminEmail, s.tenant.adminPassword);
    expect(await signedIn(elsewhere)).toBe('OK');
    const before = feed().version(s.tenant.id);
    await sql(
      t.database,
      'update session set revoked_at = now() where tenant_id = $1 and revoked_at is null and id <> (select id from session where tenant_id = $1 order by created_at limit 1)',
      [s.tenant.id],
    );
    await waitFor('the revocation notice', async () => feed().version(s.tenant.id) > before, 5000);
    expect(await signedIn(elsewhere)).toBe('UNAUTHENTICATED');
    // The tenant's first session (the fixture's) was left alone.
    expect(await signedIn(s.tenant.token)).toBe('OK');
  });

  it('never keeps an error', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (let i = 0; i < 2; i++) {
      const statements = await t.statementsDuring(async () => {
        const res = await t.gql(
          SLOTS,
          { serviceId: missing, from: '2026-01-05', to: '2026-01-05' },
          { tenant: s.tenant.slug },
        );
        expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      });
      expect(statements.length).toBeGreaterThan(0);
    }
  });

  it("keeps a tenant's settings no longer than they are true", async () => {
    expect(await startsOn('2026-01-13')).toEqual(['09:00', '10:00', '11:00']);
    await s.admin(
      'mutation { updateTenant(input: { minimumNoticeMinutes: 120 }) { userErrors { code } } }',
    );
    now = Date.parse('2026-01-13T08:00:00Z');
    expect(await startsOn('2026-01-13')).toEqual(['10:00', '11:00']);
    now = Date.parse('2026-01-01T00:00:00Z');

    const deactivate = await t.gql(
      'mutation { setTenantActive(slug: "cached", active: false) { userErrors { code } } }',
      {},
      { token: PLATFORM_TOKEN },
    );
    expect(deactivate.errors).toBeUndefined();
    const res = await t.gql(
      SLOTS,
      { serviceId: s.serviceId, from: '2026-01-13', to: '2026-01-13' },
      { tenant: s.tenant.slug },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('TENANT_INACTIVE');
  });
});
