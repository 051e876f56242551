import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.js';
import { createApiKey, startTestApp, type TestApp } from '../helpers/app.js';
import { insertBooking } from '../helpers/bookings.js';
import { launchChromium, screenshotPaths } from '../helpers/browser.js';
import { sql } from '../helpers/database.js';
import { httpFetch } from '../helpers/http-fetch.js';
import { type Scenario, scenario, weekdays } from '../helpers/scenario.js';

const SCREENSHOTS = screenshotPaths('console.png');

let t: TestApp;
let s: Scenario;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestApp({ EMAIL_ENABLED: 'false' });
  s = await scenario(t, 'bella', { timeZone: 'UTC', windows: weekdays('09:00', '17:00') });
  await s.admin(
    'mutation { updateTenant(input: { name: "Bella Hair Studio" }) { userErrors { message } } }',
  );
  // Bookings today (the console's first tab asks for the browser's today).
  const today = new Date().toISOString().slice(0, 10);
  for (const [hour, name] of [
    ['09:00', 'Ada Lovelace'],
    ['11:30', 'Grace Hopper'],
    ['15:00', 'Alan Turing'],
  ] as const) {
    const id = await insertBooking(t.database, {
      tenantId: s.tenant.id,
      serviceId: s.serviceId,
      resourceId: s.resourceId,
      startsAt: `${today}T${hour}:00Z`,
      durationMinutes: 60,
    });
    await sql(t.database, 'update booking set customer_name = $1 where id = $2', [name, id]);
  }
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A page that records every request it makes. */
async function openConsole(): Promise<{ page: Page; requests: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${t.url}/console/`);
  await page.getByRole('form', { name: 'Sign in' }).waitFor();
  return { page, requests };
}

async function signIn(page: Page, password: string) {
  await page.getByLabel('Business (tenant slug)').fill('bella');
  await page.getByLabel('Email').fill(s.tenant.adminEmail);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the admin console in a browser', () => {
  it('sends its script compressed, as the build wrote it, to a browser that accepts it', async () => {
    const built = path.join(PROJECT_ROOT, 'dist', 'console', 'console.js');
    for (const [encoding, suffix] of [
      ['br', '.br'],
      ['gzip', '.gz'],
    ] as const) {
      const res = await httpFetch(`${t.url}/console/console.js`, {
        headers: { 'accept-encoding': encoding },
      });
      expect(res.headers.get('content-encoding')).toBe(encoding);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.equals(await readFile(`${built}${suffix}`))).toBe(true);
    }
    const plain = await httpFetch(`${t.url}/console/console.js`);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Number(plain.headers.get('content-length'))).toBe((await stat(built)).size);
  });

  it('shows an error for a wrong password', async () => {
    const { page } = await openConsole();
    await signIn(page, 'not-the-password');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('Email or password is incorrect');
    expect(await page.locator('.graphiql-container').count()).toBe(0);
    await page.context().close();
  });

  it('signs in, runs a ready-made query, shows the bookings, signs out; every request stays on its own origin', async () => {
    const { page, requests } = await openConsole();
    await signIn(page, s.tenant.adminPassword);
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').textContent()).toContain(s.tenant.adminEmail);
    await page.locator('.graphiql-container').waitFor();
    // The agenda shows first; the raw editor is one click away.
    await page.getByRole('region', { name: 'Agenda' }).waitFor();
    await page.getByRole('button', { name: 'Hide Agenda' }).click();
    expect(await page.getByRole('region', { name: 'Agenda' }).count()).toBe(0);
    // The first ready-made tab: today's bookings.
    await page.locator('.graphiql-tab', { hasText: 'TodaysBookings' }).first().waitFor();
    const answer = page.waitForResponse(
      (r) =>
        r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('TodaysBookings'),
    );
    await page.locator('.graphiql-execute-button').click();
    const response = await answer;
    // Sent with the credential and the tenant.
    expect(response.request().headers()).toMatchObject({
      'x-tenant': 'bella',
      authorization: expect.stringMatching(/^Bearer bks_/),
    });
    const body = (await response.json()) as {
      data: { bookings: { totalCount: number; edges: Array<{ node: { customerName: string } }> } };
    };
    expect(body.data.bookings.totalCount).toBe(3);
    expect(body.data.bookings.edges.map((e) => e.node.customerName)).toEqual([
      'Ada Lovelace',
      'Grace Hopper',
      'Alan Turing',
    ]);
    // And shown: the result pane (GraphiQL 5's Monaco editor) renders the lines in view, the
    // first booking among them; it writes spaces as no-break spaces.
    const result = page.locator('.result-window');
    await result.filter({ hasText: 'Ada Lovelace' }).waitFor({ timeout: 15_000 });
    expect((await result.textContent())?.replace(/\u00a0/g, ' ')).toContain('"totalCount": 3');
    // The credential is kept for this tab only, and sent with the tenant on every request.
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('booking-console:credential'),
      local: JSON.stringify(localStorage),
    }));
    expect(JSON.parse(stored.session ?? '{}')).toMatchObject({ tenant: 'bella', kind: 'session' });
    expect(stored.local).not.toContain('bks_');
    for (const file of SCREENSHOTS) await page.screenshot({ path: file });
    expect(existsSync(SCREENSHOTS[0] ?? '')).toBe(true);

    const tabs = await page.locator('.graphiql-tab').allTextContents();
    for (const name of [
      'TodaysBookings',
      'ThisWeeksBookings',
      'ConfirmBooking',
      'SetOpeningHours',
      'AddBlackout',
      'Services',
      'WalkIn',
      'SaveService',
      'Team',
      'AllResources',
      'ExportCsv',
    ]) {
      expect(tabs.join(' ')).toContain(name);
    }

    const token = JSON.parse(stored.session ?? '{}').token as string;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    // Signing out ended the session on the server too.
    const after = await t.gql('{ me { kind } }', {}, { tenant: 'bella', token });
    expect(after.status).toBe(401);
    const origin = new URL(t.url).origin;
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.filter((url) => !url.startsWith(origin))).toEqual([]);
    await page.context().close();
  });

  it('signs in with an API key, and shows the schema documentation', async () => {
    const key = await createApiKey(t, s.tenant, 'PARTNER');
    const { page } = await openConsole();
    await page.getByRole('tab', { name: 'API key' }).click();
    await page.getByLabel('Business (tenant slug)').fill('bella');
    await page.getByLabel('API key').fill(key.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').textContent()).toContain('PARTNER');
    await page.locator('.graphiql-container').waitFor();
    await page.getByRole('button', { name: /Show Documentation Explorer/i }).click();
    await page
      .locator('.graphiql-doc-explorer')
      .filter({ hasText: 'Query' })
      .waitFor({ timeout: 15_000 });
    await page.context().close();
  });

  it('opens an invitation link: the stylist chooses a password, is signed in as STAFF and gets the staff tabs', async () => {
    // The link as the invitation email carries it (test/api/team.test.ts follows a real email).
    const token = `bki_console-test-${Date.now()}`;
    await sql(
      t.database,
      `insert into invitation (id, created_at, updated_at, tenant_id, email, role, resource_ids, token_hash, expires_at)
       values (gen_random_uuid(), now(), now(), $1, 'stylist@bella.example', 'STAFF', $2, $3, now() + interval '7 days')`,
      [
        s.tenant.id,
        JSON.stringify([s.resourceId]),
        createHash('sha256').update(token).digest('hex'),
      ],
    );
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${t.url}/console/?tenant=bella#invitation=${encodeURIComponent(token)}`);
    const form = page.getByRole('form', { name: 'Accept the invitation' });
    await form.waitFor();
    // The token left the address bar at once.
    expect(page.url()).toBe(`${t.url}/console/`);
    await page.getByLabel('Your name').fill('Sam Stylist');
    await page.getByLabel(/Password/).fill('a-long-stylist-password');
    await page.getByRole('button', { name: 'Join and sign in' }).click();
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').textContent()).toContain('stylist@bella.example · STAFF');
    await page.locator('.graphiql-container').waitFor();
    const tabs = (await page.locator('.graphiql-tab').allTextContents()).join(' ');
    expect(tabs).toContain('TodaysBookings');
    expect(tabs).toContain('WalkIn');
    expect(tabs).not.toContain('Team');
    expect(tabs).not.toContain('AllResources');
    // The same link a second time is refused, saying why.
    const again = await context.newPage();
    await again.goto(`${t.url}/console/?tenant=bella#invitation=${encodeURIComponent(token)}`);
    await again.getByLabel('Your name').fill('Mallory');
    await again.getByLabel(/Password/).fill('another-long-password');
    await again.getByRole('button', { name: 'Join and sign in' }).click();
    await again.getByRole('alert').waitFor();
    expect(await again.getByRole('alert').textContent()).toContain('not a valid link');
    await context.close();
  });

  it('asks for a reset link with the same words whether or not the email is known', async () => {
    const { page } = await openConsole();
    await page.getByLabel('Business (tenant slug)').fill('bella');
    await page.getByLabel('Email').fill('nobody@bella.example');
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByRole('status').waitFor();
    const unknown = await page.getByRole('status').textContent();
    await page.getByLabel('Email').fill(s.tenant.adminEmail);
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toBe(unknown);
    expect(unknown).toContain('If that email belongs to an account here');
    await page.context().close();
  });
});
