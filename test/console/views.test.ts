import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { insertBooking } from '../helpers/bookings.js';
import { launchChromium, screenshotPaths } from '../helpers/browser.js';
import { sql } from '../helpers/database.js';
import { addStaff, book, type Scenario, scenario, weekdays } from '../helpers/scenario.js';

// Issue 21 (first part): the console's views, as GraphiQL plugins over the public API, driven
// in Chromium: the agenda (admin and staff), a booking opened and moved, a walk-in, a live
// update, a cancellation with a reason, the CSV downloaded and parsed; keyboard and axe.

const DAY = 86_400_000;
let t: TestApp;
let s: Scenario;
let browser: Browser;
let roomB: string;
/** The next weekday after today (UTC, the business's zone): free, open 09:00-17:00. */
let workday: string;
const STAFF = { email: 'sam@views.example', password: 'a long staff password' };

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestApp({ EMAIL_ENABLED: 'false', WEBHOOK_ALLOW_HOSTS: '127.0.0.1' });
  s = await scenario(t, 'views', { timeZone: 'UTC', windows: weekdays('09:00', '17:00') });
  await s.admin(
    'mutation { updateTenant(input: { name: "Views Salon" }) { userErrors { message } } }',
  );
  await s.admin(
    'mutation ($id: ID!) { updateResource(id: $id, input: { name: "Ana" }) { userErrors { message } } }',
    {
      id: s.resourceId,
    },
  );
  const created = await s.admin<{ createResource: { resource: { id: string } } }>(
    'mutation { createResource(name: "Ben") { resource { id } } }',
  );
  roomB = created.createResource.resource.id;
  await s.admin(
    'mutation ($r: ID!, $w: [WeeklyWindowInput!]!) { setWeeklyWindows(resourceId: $r, windows: $w) { userErrors { message } } }',
    { r: roomB, w: weekdays('10:00', '18:00') },
  );
  // Both deliver the service: Ana first.
  await s.admin(
    'mutation ($id: ID!, $input: ServiceInput!) { updateService(id: $id, input: $input) { userErrors { message } } }',
    {
      id: s.serviceId,
      input: { name: 'Appointment', durationMinutes: 60, resourceIds: [s.resourceId, roomB] },
    },
  );
  let day = new Date(Date.now() + DAY);
  while ([0, 6].includes(day.getUTCDay())) day = new Date(day.getTime() + DAY);
  workday = day.toISOString().slice(0, 10);
  for (const [hour, name, resourceId] of [
    ['09:00', 'Ada Lovelace', s.resourceId],
    ['11:00', 'Grace Hopper', s.resourceId],
    ['13:00', 'Alan Turing', roomB],
  ] as const) {
    const id = await insertBooking(t.database, {
      tenantId: s.tenant.id,
      serviceId: s.serviceId,
      resourceId,
      startsAt: `${workday}T${hour}:00Z`,
      durationMinutes: 60,
    });
    await sql(t.database, 'update booking set customer_name = $1 where id = $2', [name, id]);
  }
  await s.admin(
    'mutation ($r: ID!, $from: DateTime!, $to: DateTime!) { createBlackout(input: { resourceId: $r, startsAt: $from, endsAt: $to, reason: "Training" }) { userErrors { message } } }',
    { r: roomB, from: `${workday}T15:00:00Z`, to: `${workday}T16:00:00Z` },
  );
  await addStaff(t, s, { ...STAFF, name: 'Sam', resourceIds: [roomB] });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Signs in and waits for the agenda, shown first, at the workday in day view. */
async function signIn(email: string, password: string) {
  const context = await browser.newContext({
    viewport: { width: 1500, height: 1000 },
    acceptDownloads: true,
  });
  // A step that cannot happen fails within the test's time, naming what it waited for.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const started = Date.now();
  await page.goto(`${t.url}/console/`);
  await page.getByLabel('Business (tenant slug)').waitFor();
  const ready = Date.now() - started;
  await page.getByLabel('Business (tenant slug)').fill('views');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const signedIn = Date.now();
  await page.getByRole('region', { name: 'Agenda' }).waitFor();
  // The figure the closing note reports (a fresh browser context: nothing cached).
  console.log(
    `console first load: sign-in form in ${ready} ms, agenda ${Date.now() - signedIn} ms after signing in`,
  );
  return { page, requests };
}

/** The agenda at `date` in day view, by the keyboard-reachable buttons. */
async function showDay(page: Page, date: string) {
  await page.getByRole('button', { name: 'Day', exact: true }).click();
  const today = new Date().toISOString().slice(0, 10);
  const days = Math.round((Date.parse(date) - Date.parse(today)) / DAY);
  for (let i = 0; i < days; i++) await page.getByRole('button', { name: 'Next' }).click();
}

const column = (page: Page, resource: string) =>
  page.getByRole('region', { name: new RegExp(`^${resource}, `) });

async function seriousViolations(page: Page, selector: string) {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function bookingRow(reference: string) {
  const [row] = await sql<{ status: string; starts_at: Date; cancellation_reason: string | null }>(
    t.database,
    'select status, starts_at, cancellation_reason from booking where reference = $1',
    [reference],
  );
  return row;
}

describe('the console’s views in a browser', () => {
  it('shows the week and the day per resource, opens a booking and moves it to a free slot, takes a walk-in, updates live', async () => {
    const { page, requests } = await signIn(s.tenant.adminEmail, s.tenant.adminPassword);
    // The week first: every day's columns, the time now marked on today's.
    await page
      .getByRole('region', { name: /^Ana, / })
      .first()
      .waitFor();
    expect(await page.getByRole('region', { name: /^Ana, / }).count()).toBe(7);
    await page
      .getByRole('img', { name: /^Now, / })
      .first()
      .waitFor();
    await showDay(page, workday);
    const ana = column(page, 'Ana');
    const ben = column(page, 'Ben');
    await ana
      .getByRole('button', { name: '09:00–10:00 Ada Lovelace Appointment · confirmed' })
      .waitFor();
    await ben.getByRole('button', { name: /Alan Turing/ }).waitFor();
    expect(await ben.locator('.blackout').textContent()).toBe('Training');
    // Ben opens at 10:00: the hour before is shaded closed.
    expect(await ben.locator('.closed').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page, '.agenda')).toEqual([]);
    for (const file of screenshotPaths('console-agenda.png')) {
      await mkdir(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file });
    }

    // A booking from a click: its details, history and email; moved to a free slot.
    await ana.getByRole('button', { name: /Grace Hopper/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('booking-status').waitFor();
    expect(await dialog.getByTestId('booking-status').textContent()).toBe('CONFIRMED');
    const title = await dialog.getByRole('heading', { level: 2 }).textContent();
    const reference = title?.replace('Booking ', '') ?? '';
    await dialog.getByRole('button', { name: 'Reschedule' }).click();
    await dialog.getByLabel('Day').fill(workday);
    await dialog.getByRole('button', { name: 'Show free times' }).click();
    await dialog.getByRole('button', { name: '14:00–15:00' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Moved' }).waitFor();
    expect((await bookingRow(reference))?.starts_at).toEqual(new Date(`${workday}T14:00:00Z`));
    await dialog.locator('.history').filter({ hasText: 'booking.rescheduled' }).waitFor();
    expect(await seriousViolations(page, '.view-dialog')).toEqual([]);
    for (const file of screenshotPaths('console-booking.png'))
      await page.screenshot({ path: file });
    // Escape closes it; the agenda shows the booking at its new time.
    await page.keyboard.press('Escape');
    await ana.getByRole('button', { name: /^14:00–15:00 Grace Hopper/ }).waitFor();

    // A walk-in from an empty cell, reached by the keyboard: one Tab stop per column, the
    // arrows move within it.
    const first = ben.locator('.cell').first();
    expect(await ben.locator('.cell[tabindex="0"]').count()).toBe(1);
    await first.focus();
    for (let i = 0; i < 17; i++) await page.keyboard.press('ArrowDown');
    expect(await page.locator(':focus').getAttribute('aria-label')).toMatch(
      /^Walk-in with Ben at 16:30/,
    );
    await page.keyboard.press('Enter');
    const walkIn = page.getByRole('dialog', { name: 'Walk-in' });
    await walkIn.getByLabel('Customer name').fill('Walk In');
    await walkIn.getByLabel('Customer email').fill('walk@example.com');
    await walkIn.getByRole('button', { name: 'Book' }).click();
    await page.getByRole('dialog').getByTestId('booking-status').waitFor();
    await page.keyboard.press('Escape');
    await ben
      .getByRole('button', { name: '16:30–17:30 Walk In Appointment · confirmed' })
      .waitFor();

    // Live: a booking made elsewhere appears without a reload.
    const elsewhere = await book(t, 'views', {
      serviceId: s.serviceId,
      startsAt: `${workday}T12:00:00.000Z`,
      resourceId: s.resourceId,
      customer: { name: 'Live Customer', email: 'live@example.com' },
    });
    expect(elsewhere.data?.createBooking.userErrors).toEqual([]);
    await ana.getByRole('button', { name: /Live Customer/ }).waitFor({ timeout: 10_000 });

    // Cancelled with a reason, by the keyboard alone: focus the booking, Enter, Tab to the action.
    await ana.getByRole('button', { name: /Live Customer/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel…' }).focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('dialog')
      .getByLabel('Reason (the customer reads it)')
      .fill('Closed early');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: 'Cancel the booking' })
      .press('Enter');
    await page
      .getByRole('dialog')
      .getByTestId('booking-status')
      .filter({ hasText: 'CANCELLED' })
      .waitFor();
    const live = elsewhere.data?.createBooking.booking?.reference ?? '';
    expect(await bookingRow(live)).toMatchObject({
      status: 'CANCELLED',
      cancellation_reason: 'Closed early',
    });
    await page.keyboard.press('Escape');

    const origin = new URL(t.url).origin;
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:'))).toEqual([]);
    await page.context().close();
  });

  it('downloads the CSV with the listing’s filters as a file, and it parses', async () => {
    const { page } = await signIn(s.tenant.adminEmail, s.tenant.adminPassword);
    await page.getByRole('button', { name: 'Show Export' }).click();
    const form = page.getByRole('form', { name: 'Export bookings' });
    await form.getByLabel(/^From/).fill(new Date(Date.now() - DAY).toISOString().slice(0, 10));
    await form.getByLabel('To (inclusive)').fill(workday);
    await form.getByLabel('CONFIRMED').check();
    expect(await seriousViolations(page, '.export')).toEqual([]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      form.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^bookings-views-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await download.path();
    const rows = parse(await readFile(file), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.customer_name).sort()).toEqual([
      'Ada Lovelace',
      'Alan Turing',
      'Grace Hopper',
      'Walk In',
    ]);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['CONFIRMED']));
    await page.context().close();
  });

  it('adds a blackout over a booking, showing it first, and cancels it with a reason', async () => {
    const { page } = await signIn(s.tenant.adminEmail, s.tenant.adminPassword);
    await page.getByRole('button', { name: 'Show Blackouts' }).click();
    const form = page.getByRole('form', { name: 'New blackout' });
    await form.getByLabel('Resource').selectOption({ label: 'Ben' });
    await form.getByLabel(/^From/).fill(`${workday}T12:30`);
    await form.getByLabel('To', { exact: true }).fill(`${workday}T14:30`);
    await form.getByLabel('Reason (for the team)').fill('Boiler repair');
    await form.getByRole('button', { name: 'Check the bookings it covers' }).click();
    const view = page.getByRole('region', { name: 'Blackouts' });
    await view.getByText(/Alan Turing/).waitFor();
    expect(await view.getByText('1 open booking in that time:').count()).toBe(1);
    await view.getByLabel('Cancel them and tell the customers').check();
    await view.getByLabel('Reason the customers read').fill('The room is closed for repairs');
    expect(await seriousViolations(page, '.settings')).toEqual([]);
    for (const file of screenshotPaths('console-form.png')) await page.screenshot({ path: file });
    await view.getByRole('button', { name: 'Add the blackout' }).click();
    await view
      .getByRole('status')
      .filter({ hasText: 'Blackout added. 1 booking cancelled.' })
      .waitFor();
    const [turing] = await sql<{ status: string; cancellation_reason: string }>(
      t.database,
      "select status, cancellation_reason from booking where customer_name = 'Alan Turing'",
    );
    expect(turing).toEqual({
      status: 'CANCELLED',
      cancellation_reason: 'The room is closed for repairs',
    });
    await view.getByText(/Boiler repair/).waitFor();
    await page.context().close();
  });

  it('invites a user, adds a reminder rule and a webhook; each refusal shows next to its field', async () => {
    const { page } = await signIn(s.tenant.adminEmail, s.tenant.adminPassword);
    // Team: an existing user's email is refused beside the field; a new one is invited.
    await page.getByRole('button', { name: 'Show Team' }).click();
    const team = page.getByRole('region', { name: 'Team' });
    const invite = team.getByRole('form', { name: 'Invite someone' });
    await invite.getByLabel('Email').fill(STAFF.email);
    await invite.getByLabel('Ana').check();
    await invite.getByRole('button', { name: 'Send the invitation' }).click();
    await invite.locator('.field', { hasText: 'Email' }).getByRole('alert').waitFor();
    expect(await invite.locator('.field', { hasText: 'Email' }).textContent()).toContain(
      'is already a user of this business',
    );
    await invite.getByLabel('Email').fill('new.stylist@views.example');
    await invite.getByRole('button', { name: 'Send the invitation' }).click();
    await team
      .getByRole('status')
      .filter({ hasText: 'Invitation sent to new.stylist@views.example' })
      .waitFor();
    await team
      .getByRole('list', { name: 'Invitations' })
      .getByText(/new\.stylist@views\.example · STAFF/)
      .waitFor();
    expect(await seriousViolations(page, '.settings')).toEqual([]);

    // Reminders: a rule of no time is refused beside its field; two hours to the staff is added.
    await page.getByRole('button', { name: 'Show Reminders' }).click();
    const reminders = page.getByRole('region', { name: 'Reminders' });
    const rule = reminders.getByRole('form', { name: 'New reminder rule' });
    await rule.getByLabel('Hours before the start').fill('0.001');
    await rule.getByRole('button', { name: 'Add the rule' }).click();
    await rule.locator('.field', { hasText: 'Hours before' }).getByRole('alert').waitFor();
    await rule.getByLabel('Hours before the start').fill('2');
    await rule.getByLabel('To').selectOption('STAFF');
    await rule.getByRole('button', { name: 'Add the rule' }).click();
    await reminders
      .getByRole('list', { name: 'Reminder rules' })
      .getByText('2 hours before, to the staff on the booking')
      .waitFor();
    const rules = await s.admin<{
      reminderRules: Array<{ offsetMinutes: number; recipient: string }>;
    }>('{ reminderRules { offsetMinutes recipient } }');
    expect(rules.reminderRules).toContainEqual({ offsetMinutes: 120, recipient: 'STAFF' });
    expect(await seriousViolations(page, '.settings')).toEqual([]);

    // Webhooks: a private address is refused beside the URL; an allowed one is added.
    await page.getByRole('button', { name: 'Show Webhooks' }).click();
    const webhooks = page.getByRole('region', { name: 'Webhooks' });
    const endpoint = webhooks.getByRole('form', { name: 'New webhook endpoint' });
    await endpoint.getByLabel('URL').fill('http://10.1.2.3/hooks');
    await endpoint.getByRole('button', { name: 'Add the endpoint' }).click();
    await endpoint.locator('.field', { hasText: 'URL' }).getByRole('alert').waitFor();
    await endpoint.getByLabel('URL').fill('http://127.0.0.1:9/hooks');
    await endpoint.getByRole('button', { name: 'Add the endpoint' }).click();
    await webhooks
      .getByRole('status')
      .filter({ hasText: /whsec_/ })
      .waitFor();
    await webhooks
      .getByRole('list', { name: 'Endpoints' })
      .getByText('http://127.0.0.1:9/hooks')
      .waitFor();
    await webhooks.getByRole('button', { name: 'Deliveries' }).click();
    await webhooks.getByRole('table').waitFor();
    expect(await seriousViolations(page, '.settings')).toEqual([]);
    await page.context().close();
  });

  it('sets weekly hours and a date’s hours, adds a service with its pool; refusals beside their fields', async () => {
    const { page } = await signIn(s.tenant.adminEmail, s.tenant.adminPassword);
    await page.getByRole('button', { name: 'Show Opening hours' }).click();
    const hours = page.getByRole('region', { name: 'Opening hours' });
    const weekly = hours.getByRole('form', { name: 'Weekly hours' });
    await weekly.getByLabel('Sunday').fill('14:00-10:00');
    await weekly.getByRole('button', { name: 'Save the weekly hours' }).click();
    await weekly.locator('.field', { hasText: 'Sunday' }).getByRole('alert').waitFor();
    await weekly.getByLabel('Sunday').fill('');
    await weekly.getByLabel('Saturday').fill('10:00-14:00');
    await weekly.getByRole('button', { name: 'Save the weekly hours' }).click();
    await hours.getByRole('status').filter({ hasText: 'Weekly hours saved' }).waitFor();
    const ana = await s.admin<{
      resources: Array<{
        name: string;
        weeklyWindows: Array<{ weekday: string; startTime: string }>;
      }>;
    }>('{ resources { name weeklyWindows { weekday startTime } } }');
    expect(ana.resources.find((r) => r.name === 'Ana')?.weeklyWindows).toContainEqual({
      weekday: 'SATURDAY',
      startTime: '10:00',
    });
    // The workday closed for Ana: her two open bookings there are kept, and named.
    const day = hours.getByRole('form', { name: 'Hours of one date' });
    await day.getByLabel('Date').fill(workday);
    await day.getByLabel('Hours (empty: closed)').fill('');
    await day.getByRole('button', { name: 'Save the date' }).click();
    await hours
      .getByRole('status')
      .filter({ hasText: `Hours of ${workday} saved. 2 bookings outside the new hours kept.` })
      .waitFor();
    const told = await hours.getByRole('status').textContent();
    expect(told).toContain('Ada Lovelace');
    expect(told).toContain('Grace Hopper');
    await hours
      .getByRole('list', { name: 'Dates with their own hours' })
      .getByText(`${workday}: closed`)
      .waitFor();
    expect(await seriousViolations(page, '.settings')).toEqual([]);

    await page.getByRole('button', { name: 'Show Services' }).click();
    const services = page.getByRole('region', { name: 'Services' });
    const form = services.getByRole('form', { name: 'Service' });
    await form.getByLabel('Name').fill('Colour');
    await form.getByLabel('Minutes').fill('0');
    await form.getByLabel('Price (empty: none)').fill('55');
    await form.getByLabel('Ben').check();
    await form.getByLabel('Ana').check();
    await form.getByRole('button', { name: 'Add the service' }).click();
    await form.locator('.field', { hasText: 'Minutes' }).getByRole('alert').waitFor();
    await form.getByLabel('Minutes').fill('90');
    await form.getByRole('button', { name: 'Add the service' }).click();
    await services.getByRole('status').filter({ hasText: 'Colour saved' }).waitFor();
    await services.getByRole('cell', { name: 'Colour · 90 min · 55.00 EUR' }).waitFor();
    const made = await s.admin<{
      services: Array<{ name: string; pool: Array<{ name: string }> }>;
    }>('{ services { name pool { name } } }');
    expect(made.services.find((x) => x.name === 'Colour')?.pool.map((r) => r.name)).toEqual([
      'Ben',
      'Ana',
    ]);
    expect(await seriousViolations(page, '.settings')).toEqual([]);
    await page.context().close();
  });

  it('shows staff their own resource only', async () => {
    const { page } = await signIn(STAFF.email, STAFF.password);
    await showDay(page, workday);
    await column(page, 'Ben')
      .getByRole('button', { name: /Alan Turing/ })
      .waitFor();
    expect(await column(page, 'Ana').count()).toBe(0);
    expect(await page.getByText('Ada Lovelace').count()).toBe(0);
    await page.context().close();
  });
});
