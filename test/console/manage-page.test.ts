import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_DOMAIN, createTenant, startTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, screenshotPaths } from '../helpers/browser.js';
import { sql } from '../helpers/database.js';
import { freePort } from '../helpers/free-port.js';
import { httpFetch } from '../helpers/http-fetch.js';
import { mailTo } from '../helpers/mail-sink.js';
import { book, createService, everyDay, type Scenario, scenario } from '../helpers/scenario.js';

// Issue 20: every customer email's link, followed in Chromium, opens the manage page the API
// serves, in the customer's language, and can cancel; the page moves a booking to a free time.

const SCREENSHOTS = screenshotPaths('manage-page.png');

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-01T09:00:00Z');
/** Monday 7 December 2026, 10:00 in London, 05:00 in New York. */
const MONDAY_10 = Date.parse('2026-12-07T10:00:00Z');

let now = NOW;
let t: TestApp;
let s: Scenario;
let browser: Browser;
let origin: string;
const log: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  // The link is the default template's, on the port this server listens on.
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  t = await startTestApp(
    {
      PORT: String(port),
      LOG_LEVEL: 'info',
      MANAGE_URL_TEMPLATE: `${origin}/t/{tenant}/manage/{token}`,
    },
    { clock: () => now, logStream },
  );
  s = await scenario(t, 'studio', {
    timeZone: 'Europe/London',
    windows: everyDay('09:00', '17:00'),
    service: {
      name: 'Consultation',
      requiresConfirmation: true,
      priceMinor: 6000,
      currency: 'EUR',
    },
  });
  await s.admin(
    'mutation { updateTenant(input: { name: "Studio Nord", address: "2 Canal Street, London", phone: "+44 20 7946 0123" }) { userErrors { message } } }',
  );
  // Two days before, so that the reminder comes while the booking can still be changed.
  await s.admin(
    'mutation { setReminderRules(rules: [{ offsetMinutes: 2880, recipient: CUSTOMER }]) { userErrors { message } } }',
  );
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The manage link of a message's text. */
function linkOf(text: string | undefined): string {
  const link = /(http:\/\/127\.0\.0\.1:\d+\/t\/studio\/manage\/\S+)/.exec(text ?? '')?.[1];
  if (!link) throw new Error(`no manage link in: ${text}`);
  return link;
}

/** Opens a link in a fresh browser context; records every request and console error. */
async function open(link: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  // A refused style or request (the CSP), or an answer that failed; the browser's own
  // favicon request, which the page does not make, aside.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      errors.push(m.text());
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico'))
      errors.push(`${r.status()} ${r.url()}`);
  });
  const response = await page.goto(link, { timeout: 8000 });
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  expect(headers['content-security-policy']).toContain("default-src 'none'");
  expect(headers['cache-control']).toBe('no-store');
  expect(headers['referrer-policy']).toBe('same-origin');
  return { page, requests, errors };
}

async function statusOf(id: string) {
  const [row] = await sql<{ status: string; starts_at: Date }>(
    t.database,
    'select status, starts_at from booking where id = $1',
    [id],
  );
  return row;
}

const onlyOwnOrigin = (requests: string[]) =>
  expect(requests.filter((r) => !r.startsWith(`${origin}/`))).toEqual([]);

describe('the manage page, from every customer email', () => {
  it('opens from each email in the customer’s language, moves the booking to a free time, and cancels it', async () => {
    const res = await book(t, 'studio', {
      serviceId: s.serviceId,
      startsAt: new Date(MONDAY_10).toISOString(),
      customer: {
        name: 'Jörg Müller',
        email: 'joerg@example.com',
        locale: 'de',
        timeZone: 'America/New_York',
      },
    });
    const booking = res.data?.createBooking.booking;
    if (!booking) throw new Error(JSON.stringify(res));
    const token = res.data?.createBooking.manageToken ?? '';
    const to = 'joerg@example.com';
    const links: Record<string, string> = {};
    links.requested = linkOf((await mailTo(t, to, /^Buchungsanfrage erhalten/)).text);
    await s.admin('mutation ($id: ID!) { confirmBooking(id: $id) { userErrors { code } } }', {
      id: booking.id,
    });
    links.confirmed = linkOf((await mailTo(t, to, /^Buchung bestätigt/)).text);
    // The reminder's time (two days before) comes.
    now = MONDAY_10 - 48 * HOUR;
    links.reminder = linkOf((await mailTo(t, to, /^Erinnerung/)).text);
    await s.admin(
      'mutation ($id: ID!) { resendManageLink(bookingId: $id) { userErrors { code } } }',
      { id: booking.id },
    );
    links.manageLink = linkOf((await mailTo(t, to, /^Ihre Buchung:/)).text);

    for (const [kind, link] of Object.entries(links)) {
      const { page, requests, errors } = await open(link);
      expect(await page.getAttribute('html', 'lang'), kind).toBe('de');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Ihre Buchung bei Studio Nord',
      );
      const table = await page.locator('table').textContent();
      expect(table).toContain(booking.reference);
      expect(table).toContain('Bestätigt');
      expect(table).toMatch(/05:00–06:00 GMT-5 \(America\/New_York\); vor Ort: 10:00–11:00/);
      expect(table).toMatch(/60,00\s€/);
      // It can cancel: the form is there, and the contact below.
      await page.getByRole('button', { name: 'Buchung stornieren' }).waitFor();
      expect(await page.locator('.contact').textContent()).toContain('2 Canal Street, London');
      onlyOwnOrigin(requests);
      expect(errors).toEqual([]);
      await page.context().close();
    }

    // Moved from the page: a day, its free times, one chosen.
    const { page, requests, errors } = await open(links.manageLink ?? '');
    await page.getByLabel('Tag').fill('2026-12-08');
    await page.getByRole('button', { name: 'Freie Zeiten anzeigen' }).click();
    await page.getByRole('group', { name: /Freie Zeiten am Dienstag, 8\. Dezember/ }).waitFor();
    const choice = page.getByLabel(/09:00–10:00 GMT-5 \(America\/New_York\); vor Ort: 14:00–15:00/);
    for (const file of SCREENSHOTS) {
      await mkdir(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, fullPage: true });
    }
    await choice.check();
    await page.getByRole('button', { name: 'Auf diese Zeit verschieben' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toBe(
      'Ihre Buchung wurde verschoben. Wir haben Ihnen eine E-Mail geschickt.',
    );
    expect(page.url()).toContain('?done=rescheduled');
    expect(await statusOf(booking.id)).toEqual({
      status: 'CONFIRMED',
      starts_at: new Date('2026-12-08T14:00:00Z'),
    });
    onlyOwnOrigin(requests);
    expect(errors).toEqual([]);
    await page.context().close();

    // The move's email (the business hears of it too), and from its link: cancelled.
    const moved = linkOf((await mailTo(t, to, /^Buchung verschoben/)).text);
    await mailTo(t, 'hello@studio.example', /^Booking moved by the customer/);
    const second = await open(moved);
    await second.page.getByLabel('Grund (freiwillig)').fill('Krank');
    await second.page.getByRole('button', { name: 'Buchung stornieren' }).click();
    await second.page.getByRole('status').waitFor();
    expect(await second.page.getByRole('status').textContent()).toBe(
      'Ihre Buchung ist storniert. Wir haben Ihnen eine E-Mail geschickt.',
    );
    expect((await statusOf(booking.id))?.status).toBe('CANCELLED');
    await second.page.context().close();
    const [cancelled] = await sql<{ cancellation_reason: string }>(
      t.database,
      'select cancellation_reason from booking where id = $1',
      [booking.id],
    );
    expect(cancelled?.cancellation_reason).toBe('Krank');

    // The cancellation's email: its link shows the booking as cancelled, with nothing to do.
    const last = await open(linkOf((await mailTo(t, to, /^Buchung storniert/)).text));
    expect(await last.page.locator('table').textContent()).toContain('Storniert');
    expect(await last.page.getByRole('button').count()).toBe(0);
    expect(await last.page.locator('main').textContent()).toContain(
      'Diese Buchung kann hier nicht mehr geändert werden.',
    );
    await last.page.context().close();

    // The token reached no log line; the path is logged with the token scrubbed.
    const written = log.join('');
    expect(written).toContain('/t/studio/manage/[token]');
    expect(written).not.toContain(token);
  });

  it('opens from the confirmation of a booking that confirms itself, in English, and cancels', async () => {
    now = NOW;
    const serviceId = await createService(s.admin, { name: 'Trim', durationMinutes: 30 });
    const res = await book(t, 'studio', {
      serviceId,
      startsAt: new Date(MONDAY_10 + 2 * HOUR).toISOString(),
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    const id = res.data?.createBooking.booking?.id ?? '';
    const link = linkOf((await mailTo(t, 'ada@example.com', /^Booking confirmed/)).text);
    const { page, requests, errors } = await open(link);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('table').textContent()).toMatch(
      /Monday,? 7 December 2026, 12:00–12:30 GMT \(Europe\/London\)/,
    );
    await page.getByRole('button', { name: 'Cancel the booking' }).click();
    await page.getByRole('status').waitFor();
    expect((await statusOf(id))?.status).toBe('CANCELLED');
    onlyOwnOrigin(requests);
    expect(errors).toEqual([]);
    await page.context().close();
    await mailTo(t, 'ada@example.com', /^Booking cancelled/);
    await mailTo(t, 'hello@studio.example', /^Booking cancelled by the customer/);
  });
});

describe('the manage page refuses', () => {
  it('a link that names no booking, in the business’s language', async () => {
    const res = await fetch(`${origin}/t/studio/manage/bkm_not-a-real-token-at-all`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('This link does not lead to a booking.');
    expect(html).toContain('Studio Nord');
    const nowhere = await fetch(`${origin}/t/no-such-business/manage/bkm_x`);
    expect(nowhere.status).toBe(404);
  });

  it('a booking’s token on another business’s path: not found, and not changed', async () => {
    now = NOW;
    const other = await createTenant(t, 'other-studio');
    const res = await book(t, 'studio', {
      serviceId: s.serviceId,
      startsAt: new Date(MONDAY_10 + 4 * HOUR).toISOString(),
      customer: { name: 'Ada', email: 'ada@elsewhere.example' },
    });
    const id = res.data?.createBooking.booking?.id ?? '';
    const token = res.data?.createBooking.manageToken ?? '';
    const wrong = `${origin}/t/${other.slug}/manage/${token}`;
    const shown = await fetch(wrong);
    expect(shown.status).toBe(404);
    expect(await shown.text()).not.toContain('Studio Nord');
    const cancel = await fetch(wrong, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=cancel',
      redirect: 'manual',
    });
    expect(cancel.status).toBe(404);
    // The host names the tenant too: /manage/<token> on the other business's host.
    const byHost = await httpFetch(`${origin}/manage/${token}`, {
      headers: { host: `${other.slug}.${BASE_DOMAIN}` },
    });
    expect(byHost.status).toBe(404);
    const right = await httpFetch(`${origin}/manage/${token}`, {
      headers: { host: `studio.${BASE_DOMAIN}` },
    });
    expect(right.status).toBe(200);
    expect((await statusOf(id))?.status).toBe('PENDING');
  });

  it('a change after the notice, a malformed form, a day out of range; nothing changes', async () => {
    now = NOW;
    const serviceId = await createService(s.admin, { name: 'Quick', durationMinutes: 30 });
    // Two hours ahead: within the 24 hours' cancellation notice.
    const res = await book(t, 'studio', {
      serviceId,
      startsAt: new Date(NOW + 2 * HOUR).toISOString(),
      customer: { name: 'Late', email: 'late@example.com', locale: 'fr' },
    });
    const id = res.data?.createBooking.booking?.id ?? '';
    const page = `${origin}/t/studio/manage/${res.data?.createBooking.manageToken}`;
    const shown = await (await fetch(page)).text();
    expect(shown).toContain('Les modifications sont possibles jusqu’à 24 heures avant le début.');
    expect(shown).not.toContain('<form');
    const post = (body: string) =>
      fetch(page, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        redirect: 'manual',
      });
    const late = await post('action=cancel&reason=late');
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('Veuillez contacter Studio Nord');
    const nul = await post('action=cancel&reason=a%00b');
    expect(nul.status).toBe(400);
    expect(await nul.text()).toContain('reason must not contain the NUL character');
    const lone = await post('action=reschedule&startsAt=%ED%A0%80');
    expect(lone.status).toBe(400);
    const unknown = await post('action=delete');
    expect(unknown.status).toBe(400);
    expect((await statusOf(id))?.status).toBe('CONFIRMED');
    const day = await fetch(`${page}?date=2026-02-30`);
    expect(day.status).toBe(400);
    expect(await day.text()).toContain('Veuillez choisir un jour dans les 3650 prochains jours.');
  });
});
