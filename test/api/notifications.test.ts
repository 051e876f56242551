import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { book, type Scenario, scenario, weekdays } from '../helpers/scenario.js';
import { icsFields, type ReceivedMail, TestSmtpServer, waitFor } from '../helpers/smtp.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const NOTIFICATIONS = `query ($bookingId: ID, $status: NotificationStatus) {
  notifications(bookingId: $bookingId, status: $status, first: 100) { id kind recipient status attempts lastError sentAt booking { id } }
}`;
interface Row {
  id: string;
  kind: string;
  recipient: string;
  status: string;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  booking: { id: string } | null;
}

let smtp: TestSmtpServer;
let t: TestApp;
let s: Scenario;
let confirmService: string;

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  t = await startTestApp(
    { ...smtp.env(), MAIL_FROM: 'Bookings <bookings@salon.example>' },
    { clock: () => NOW },
  );
  s = await scenario(t, 'salon', {
    timeZone: 'Europe/London',
    windows: weekdays('09:00', '17:00'),
  });
  await s.admin(
    'mutation { updateTenant(input: { name: "Salon & Co", email: "owner@salon.example" }) { userErrors { message } } }',
  );
  confirmService = (
    await s.admin<{ createService: { service: { id: string } } }>(
      'mutation { createService(input: { name: "Consultation", durationMinutes: 30, requiresConfirmation: true }) { service { id } } }',
    )
  ).createService.service.id;
});
afterAll(async () => {
  await t?.close();
  await smtp?.stop();
});

/** A booking's email about its changes (its reminders are test/api/reminders.test.ts's). */
const notificationsOf = async (bookingId: string) =>
  (
    (
      await t.gql<{ notifications: Row[] }>(
        NOTIFICATIONS,
        { bookingId },
        { tenant: 'salon', token: s.tenant.token },
      )
    ).data?.notifications ?? []
  ).filter((n) => !n.kind.startsWith('reminder.'));

/** Waits until every notification of the booking has left QUEUED, `count` of them. */
async function settled(bookingId: string, count: number): Promise<Row[]> {
  return waitFor(`${count} settled notifications`, async () => {
    const rows = await notificationsOf(bookingId);
    return rows.length === count && rows.every((r) => r.status !== 'QUEUED') ? rows : null;
  });
}

/** The salon's admin asks to retry a notification: retryNotification's answer. */
const retry = async (id: string | undefined) =>
  (
    await t.gql<{ retryNotification: boolean }>(
      'mutation ($id: ID!) { retryNotification(id: $id) }',
      { id },
      { tenant: 'salon', token: s.tenant.token },
    )
  ).data?.retryNotification;

/** A salon booking made while the mail server refuses everything, and its two notifications once they have given up. */
async function bookWhileMailIsDown(startsAt: string, name: string) {
  smtp.mode = 'refuse';
  const res = await book(t, 'salon', {
    serviceId: s.serviceId,
    startsAt,
    customer: { name, email: `${name.toLowerCase()}@customer.example` },
  });
  const id = res.data?.createBooking.booking?.id ?? '';
  return { booking: res.data?.createBooking.booking, id, failed: await settled(id, 2) };
}

const mailFor = (bookingId: string, kind: string) =>
  waitFor(`mail ${kind}`, async () => {
    const rows = await notificationsOf(bookingId);
    const row = rows.find((r) => r.kind === kind && r.status === 'SENT');
    if (!row) return null;
    return smtp.received.find((m) => m.parsed.messageId?.includes(row.id)) ?? null;
  });

function ics(mail: ReceivedMail): Record<string, string> {
  const attachment = mail.parsed.attachments.find((a) => a.filename === 'invite.ics');
  if (!attachment) throw new Error('no invite.ics');
  expect(attachment.contentType).toBe('text/calendar');
  return icsFields(attachment.content.toString('utf8'));
}

/** The statuses of a booking's notifications, as stored. */
async function statusesOf(database: string, bookingId: string | undefined): Promise<string[]> {
  const rows = await sql<{ status: string }>(
    database,
    "select status from notification where booking_id = $1 and kind not like 'reminder.%'",
    [bookingId],
  );
  return rows.map((r) => r.status);
}

describe('booking emails', () => {
  it('tell the customer and the business of a new booking, with both parts, local times, the reference and the manage link', async () => {
    const res = await book(t, 'salon', {
      serviceId: s.serviceId,
      startsAt: '2026-03-02T10:00:00Z',
      customer: { name: 'Ada Lovelace', email: 'ada@customer.example', phone: '+44 1234 567890' },
      notes: 'Allergic to lavender',
    });
    const booking = res.data?.createBooking.booking;
    const token = res.data?.createBooking.manageToken ?? '';
    const rows = await settled(booking?.id ?? '', 2);
    expect(rows.map((r) => [r.kind, r.recipient, r.status, r.attempts]).sort()).toEqual([
      ['booking.created.business', 'owner@salon.example', 'SENT', 1],
      ['booking.created.customer', 'ada@customer.example', 'SENT', 1],
    ]);
    const customer = await mailFor(booking?.id ?? '', 'booking.created.customer');
    expect(customer.envelopeTo).toEqual(['ada@customer.example']);
    // Intl writes the date; its punctuation (a comma after the weekday) follows the ICU version.
    expect(customer.parsed.subject).toMatch(
      /^Booking confirmed: Appointment, Monday,? 2 March 2026, 10:00–11:00 GMT \(Europe\/London\)$/,
    );
    expect(customer.parsed.from?.value).toEqual([
      { name: 'Bookings', address: 'bookings@salon.example' },
    ]);
    expect(customer.parsed.replyTo?.text).toBe('owner@salon.example');
    for (const part of [customer.parsed.text ?? '', customer.parsed.html || '']) {
      expect(part).toMatch(/Monday,? 2 March 2026, 10:00–11:00 GMT \(Europe\/London\)/);
      expect(part).toContain(booking?.reference);
    }
    expect(customer.parsed.text).toContain('Salon & Co');
    expect(customer.parsed.html).toContain('Salon &amp; Co');
    const link = `http://localhost:3000/t/salon/manage/${encodeURIComponent(token)}`;
    expect(customer.parsed.text).toContain(link);
    expect(customer.parsed.html).toContain(`href="${link}"`);
    // The link's token is the customer's key to the booking.
    const byToken = await t.gql(
      'query ($t: String!) { bookingByToken(token: $t) { id } }',
      { t: token },
      { tenant: 'salon' },
    );
    expect(byToken.data).toEqual({ bookingByToken: { id: booking?.id } });
    // Once sent, the encrypted copy of the token is gone from the database.
    const payloads = await sql<{ payload: Record<string, unknown> }>(
      t.database,
      'select payload from notification where booking_id = $1',
      [booking?.id],
    );
    for (const p of payloads) expect(p.payload.sealedManageToken).toBeUndefined();
    expect(JSON.stringify(await sql(t.database, 'select * from pgboss.job'))).not.toContain(token);

    const business = await mailFor(booking?.id ?? '', 'booking.created.business');
    expect(business.envelopeTo).toEqual(['owner@salon.example']);
    expect(business.parsed.subject).toContain('New booking: Appointment');
    expect(business.parsed.replyTo?.text).toBe('ada@customer.example');
    expect(business.parsed.text).toContain('Allergic to lavender');
    expect(business.parsed.text).toContain('+44 1234 567890');
    expect(business.parsed.text).not.toContain('manage');

    const invite = ics(customer);
    expect(invite).toMatchObject({
      METHOD: 'REQUEST',
      UID: `booking-${booking?.id}@salon.example`,
      SEQUENCE: '0',
      DTSTART: '20260302T100000Z',
      DTEND: '20260302T110000Z',
      STATUS: 'CONFIRMED',
    });
    expect(customer.parsed.messageId).toMatch(/^<notification-[0-9a-f-]{36}@salon\.example>$/);
  });

  it('say "request received" for a service that needs confirmation, then "confirmed"', async () => {
    const res = await book(t, 'salon', {
      serviceId: confirmService,
      startsAt: '2026-03-03T09:30:00Z',
      customer: { name: 'Bob', email: 'bob@customer.example' },
    });
    const id = res.data?.createBooking.booking?.id ?? '';
    const requested = await mailFor(id, 'booking.requested.customer');
    expect(requested.parsed.subject).toContain('Booking request received');
    expect(ics(requested)).toMatchObject({ METHOD: 'REQUEST', SEQUENCE: '0', STATUS: 'TENTATIVE' });
    await s.admin('mutation ($id: ID!) { confirmBooking(id: $id) { userErrors { code } } }', {
      id,
    });
    const confirmed = await mailFor(id, 'booking.confirmed.customer');
    expect(confirmed.parsed.subject).toContain('Booking confirmed');
    expect(ics(confirmed)).toMatchObject({
      METHOD: 'REQUEST',
      SEQUENCE: '1',
      STATUS: 'CONFIRMED',
      UID: `booking-${id}@salon.example`,
    });
  });

  it('keep one calendar entry across reschedule and cancel: same UID, growing SEQUENCE, REQUEST then CANCEL', async () => {
    const res = await book(t, 'salon', {
      serviceId: s.serviceId,
      startsAt: '2026-03-04T09:00:00Z',
      customer: { name: 'Cy', email: 'cy@customer.example' },
    });
    const id = res.data?.createBooking.booking?.id ?? '';
    const token = res.data?.createBooking.manageToken ?? '';
    const created = await mailFor(id, 'booking.created.customer');
    await s.admin(
      'mutation ($id: ID!) { rescheduleBooking(id: $id, startsAt: "2026-03-04T14:00:00Z") { userErrors { code } } }',
      { id },
    );
    const moved = await mailFor(id, 'booking.rescheduled.customer');
    expect(moved.parsed.text).toMatch(
      /Wednesday,? 4 March 2026, 14:00–15:00 GMT \(Europe\/London\)/,
    );
    expect(moved.parsed.text).toMatch(
      /It was booked for Wednesday,? 4 March 2026, 09:00–10:00 GMT \(Europe\/London\)\./,
    );
    await t.gql(
      'mutation ($t: String!) { cancelBookingByToken(token: $t, reason: "Feeling unwell") { userErrors { code } } }',
      { t: token },
      { tenant: 'salon' },
    );
    const cancelled = await mailFor(id, 'booking.cancelled.customer');
    const told = await mailFor(id, 'booking.cancelled.business');
    expect(told.envelopeTo).toEqual(['owner@salon.example']);
    expect(cancelled.parsed.text).toContain('Reason: Feeling unwell');
    const invites = [created, moved, cancelled].map(ics);
    expect(new Set(invites.map((i) => i.UID)).size).toBe(1);
    expect(invites.map((i) => [i.METHOD, i.SEQUENCE, i.DTSTART])).toEqual([
      ['REQUEST', '0', '20260304T090000Z'],
      ['REQUEST', '1', '20260304T140000Z'],
      ['CANCEL', '2', '20260304T140000Z'],
    ]);
    expect(invites[2]?.STATUS).toBe('CANCELLED');
    // Every email to the customer carries the same working link; none to the business does.
    const link = `http://localhost:3000/t/salon/manage/${encodeURIComponent(token)}`;
    for (const mail of [created, moved, cancelled]) {
      expect(mail.parsed.text).toContain(link);
      expect(mail.parsed.html).toContain(`href="${link}"`);
    }
    expect(told.parsed.text).not.toContain('/manage/');
    // The booking keeps the token encrypted, never in clear.
    const [kept] = await sql<{ manage_token_sealed: string }>(
      t.database,
      'select manage_token_sealed from booking where id = $1',
      [id],
    );
    expect(kept?.manage_token_sealed).toBeTruthy();
    expect(kept?.manage_token_sealed).not.toContain(token);
    // An admin's change tells only the customer; a customer's change tells the business too.
    const kinds = (await settled(id, 5)).map((r) => r.kind).sort();
    expect(kinds).toEqual([
      'booking.cancelled.business',
      'booking.cancelled.customer',
      'booking.created.business',
      'booking.created.customer',
      'booking.rescheduled.customer',
    ]);
  });

  it('send the manage link again on request, with a new token for a booking that kept none', async () => {
    const res = await book(t, 'salon', {
      serviceId: s.serviceId,
      startsAt: '2026-03-04T11:00:00Z',
      customer: { name: 'Di', email: 'di@customer.example' },
    });
    const id = res.data?.createBooking.booking?.id ?? '';
    const token = res.data?.createBooking.manageToken ?? '';
    const resend = () =>
      s.admin<{ resendManageLink: { booking: { id: string } | null } }>(
        'mutation ($id: ID!) { resendManageLink(bookingId: $id) { booking { id } userErrors { code } } }',
        { id },
      );
    expect((await resend()).resendManageLink.booking?.id).toBe(id);
    const again = await mailFor(id, 'booking.manage_link.customer');
    expect(again.envelopeTo).toEqual(['di@customer.example']);
    expect(again.parsed.text).toContain(`/t/salon/manage/${encodeURIComponent(token)}`);
    // Nothing in the calendar changes: no invite.
    expect(again.parsed.attachments.filter((a) => a.filename === 'invite.ics')).toEqual([]);
    // A booking from before bookings kept their token: a new one, and the old link stops.
    await sql(t.database, 'update booking set manage_token_sealed = null where id = $1', [id]);
    await resend();
    const fresh = await waitFor('the second link', async () => {
      const rows = await notificationsOf(id);
      const sent = rows.filter(
        (r) => r.kind === 'booking.manage_link.customer' && r.status === 'SENT',
      );
      if (sent.length < 2) return null;
      const last = smtp.received.find((m) => m.parsed.messageId?.includes(sent[0]?.id ?? ''));
      const other = smtp.received.find((m) => m.parsed.messageId?.includes(sent[1]?.id ?? ''));
      return (
        [last, other].find((m) => m && !m.parsed.text?.includes(encodeURIComponent(token))) ?? null
      );
    });
    const newToken = decodeURIComponent(
      /\/salon\/manage\/(\S+)/.exec(fresh.parsed.text ?? '')?.[1] ?? '',
    );
    const open = (tk: string) =>
      t.gql<{ bookingByToken: { id: string } | null }>(
        'query ($t: String!) { bookingByToken(token: $t) { id } }',
        { t: tk },
        { tenant: 'salon' },
      );
    expect((await open(newToken)).data?.bookingByToken?.id).toBe(id);
    expect((await open(token)).data?.bookingByToken).toBeNull();
  });

  it('mail the link to a customer who asks with the reference and email, and answer alike otherwise', async () => {
    const res = await book(t, 'salon', {
      serviceId: s.serviceId,
      startsAt: '2026-03-04T12:00:00Z',
      customer: { name: 'Ed', email: 'ed@customer.example' },
    });
    const booking = res.data?.createBooking.booking;
    const token = res.data?.createBooking.manageToken ?? '';
    const ask = (reference: string, email: string) =>
      t.gql<{ requestManageLink: boolean }>(
        'mutation ($r: String!, $e: EmailAddress!) { requestManageLink(reference: $r, email: $e) }',
        { r: reference, e: email },
        { tenant: 'salon' },
      );
    const reference = booking?.reference ?? '';
    for (const [r, e] of [
      [reference, 'someone.else@customer.example'],
      ['ZZZZ-ZZZZ', 'ed@customer.example'],
    ] as const) {
      expect((await ask(r, e)).data?.requestManageLink).toBe(true);
    }
    expect(
      (await notificationsOf(booking?.id ?? '')).filter(
        (n) => n.kind === 'booking.manage_link.customer',
      ),
    ).toEqual([]);
    // Matching, in any case and with spaces around the reference.
    expect((await ask(` ${reference.toLowerCase()} `, 'ED@customer.example')).data).toEqual({
      requestManageLink: true,
    });
    const mail = await mailFor(booking?.id ?? '', 'booking.manage_link.customer');
    expect(mail.envelopeTo).toEqual(['ed@customer.example']);
    expect(mail.parsed.text).toContain(`/t/salon/manage/${encodeURIComponent(token)}`);
  });

  it('treat customer input as text, never markup', async () => {
    const name = '<script>alert("x")</script> O\'Brien & Sons';
    const res = await book(t, 'salon', {
      serviceId: s.serviceId,
      startsAt: '2026-03-05T09:00:00Z',
      customer: { name, email: 'evil@customer.example' },
      notes: '<img src=x onerror=alert(1)> <a href="https://phish.example">click</a>',
    });
    const id = res.data?.createBooking.booking?.id ?? '';
    const customer = await mailFor(id, 'booking.created.customer');
    const business = await mailFor(id, 'booking.created.business');
    for (const mail of [customer, business]) {
      const html = mail.parsed.html || '';
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('href="https://phish.example"');
      expect(html).toContain('&lt;script&gt;');
    }
    expect(business.parsed.html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(business.parsed.text).toContain('<img src=x onerror=alert(1)>');
    expect(customer.parsed.text).toContain(`Hi ${name},`);
  });
});

describe('when mail is down', () => {
  it('bookings still succeed; sends retry, then show FAILED; retryNotification delivers once the server is back; nothing is lost or sent twice', async () => {
    const { booking, id, failed } = await bookWhileMailIsDown('2026-03-06T09:00:00Z', 'Dee');
    expect(booking?.status).toBe('CONFIRMED');
    // NOTIFY_RETRY_LIMIT=2 in tests: three attempts in all.
    for (const row of failed) {
      expect(row).toMatchObject({ status: 'FAILED', attempts: 3, sentAt: null });
      expect(row.lastError).toContain('Mailbox temporarily unavailable');
    }
    const listed = await t.gql<{ notifications: Row[] }>(
      NOTIFICATIONS,
      { status: 'FAILED' },
      { tenant: 'salon', token: s.tenant.token },
    );
    expect(listed.data?.notifications.map((r) => r.id).sort()).toEqual(
      failed.map((r) => r.id).sort(),
    );

    // The server goes away altogether, then comes back.
    await smtp.stop();
    smtp.mode = 'accept';
    const one = failed[0]?.id ?? '';
    expect(await retry(one)).toBe(true);
    const unreachable = await waitFor('a failed retry', async () => {
      const row = (await notificationsOf(id)).find((r) => r.id === one);
      return row?.status === 'FAILED' && row.attempts === 6 ? row : null;
    });
    expect(unreachable.lastError).toMatch(/ECONNREFUSED|connect/i);
    await smtp.listen();
    for (const row of failed) {
      expect(await retry(row.id)).toBe(true);
    }
    const sent = await settled(id, 2);
    expect(sent.every((r) => r.status === 'SENT' && r.lastError === null)).toBe(true);
    for (const row of sent)
      expect(smtp.received.filter((m) => m.parsed.messageId?.includes(row.id))).toHaveLength(1);
    // Retrying what is not FAILED does nothing.
    expect(await retry(one)).toBe(false);
  });
});

describe('a late dead letter', () => {
  it('leaves a notification that was queued again to its new job', async () => {
    const {
      id,
      failed: [row],
    } = await bookWhileMailIsDown('2026-03-13T09:00:00Z', 'Fay');
    expect(row?.status).toBe('FAILED');
    expect(await retry(row?.id)).toBe(true);
    // The first job's dead letter, handled only now: the mail server still refuses, so the
    // new job is waiting for its next attempt and owns the notification.
    // A pg-boss Job carries more than dead() reads (its data): a partial one is enough here.
    const stale = {
      data: { tenantId: s.tenant.id, notificationId: row?.id },
    } as unknown as Parameters<typeof t.app.services.notifier.dead>[0];
    await t.app.services.notifier.dead(stale);
    expect((await notificationsOf(id)).find((r) => r.id === row?.id)?.status).toBe('QUEUED');
    smtp.mode = 'accept';
    const done = await waitFor('the retried notification sent', async () => {
      const again = (await notificationsOf(id)).find((r) => r.id === row?.id);
      return again?.status === 'SENT' ? again : null;
    });
    expect(done.lastError).toBeNull();
  });
});

describe('transactions', () => {
  it('a booking whose transaction rolls back leaves no notification and no job', async () => {
    const pg = await import('pg');
    const rogue = new pg.default.Client({
      connectionString: (await import('../helpers/database.js')).databaseUrl(t.database),
    });
    rogue.on('error', () => {});
    await rogue.connect();
    try {
      const jobsBefore = (
        await sql<{ n: number }>(t.database, 'select count(*)::int as n from pgboss.job')
      )[0]?.n;
      const notesBefore = (
        await sql<{ n: number }>(t.database, 'select count(*)::int as n from notification')
      )[0]?.n;
      // A writer that ignores the lock holds an overlapping booking: the API's insert and its
      // notifications are rolled back together when the constraint refuses the booking.
      await rogue.query('begin');
      await rogue.query(
        `insert into booking (id, created_at, updated_at, tenant_id, reference, service_id, resource_id, starts_at, ends_at,
           occupied_start, occupied_end, session_key, status, seats, customer_name, customer_email)
         values (gen_random_uuid(), now(), now(), $1, 'ROGUE-001', $2, $3, '2026-03-09T09:00Z', '2026-03-09T10:00Z',
           '2026-03-09T09:00Z', '2026-03-09T10:00Z', gen_random_uuid(), 'CONFIRMED', 1, 'Rogue', 'rogue@example.com')`,
        [s.tenant.id, s.serviceId, s.resourceId],
      );
      const pending = book(t, 'salon', {
        serviceId: s.serviceId,
        startsAt: '2026-03-09T09:00:00Z',
        customer: { name: 'Lost', email: 'lost@customer.example' },
      });
      await new Promise((r) => setTimeout(r, 300));
      await rogue.query('commit');
      expect((await pending).data?.createBooking.userErrors[0]?.code).toBe('BOOKING_CONFLICT');
      expect(
        (await sql<{ n: number }>(t.database, 'select count(*)::int as n from notification'))[0]?.n,
      ).toBe(notesBefore);
      expect(
        (await sql<{ n: number }>(t.database, 'select count(*)::int as n from pgboss.job'))[0]?.n,
      ).toBe(jobsBefore);
      await new Promise((r) => setTimeout(r, 1500));
      expect(smtp.to('lost@customer.example')).toHaveLength(0);
    } finally {
      await rogue.end();
    }
  });
});

describe('switches', () => {
  it('record notifications as SKIPPED, and send nothing, when a tenant turns email off', async () => {
    await s.admin(
      'mutation { updateTenant(input: { emailEnabled: false }) { tenant { emailEnabled } } }',
    );
    try {
      const res = await book(t, 'salon', {
        serviceId: s.serviceId,
        startsAt: '2026-03-10T09:00:00Z',
        customer: { name: 'Quiet', email: 'quiet@customer.example' },
      });
      const rows = await settled(res.data?.createBooking.booking?.id ?? '', 2);
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([
        ['SKIPPED', 0],
        ['SKIPPED', 0],
      ]);
      await new Promise((r) => setTimeout(r, 1000));
      expect(smtp.to('quiet@customer.example')).toHaveLength(0);
    } finally {
      await s.admin(
        'mutation { updateTenant(input: { emailEnabled: true }) { tenant { emailEnabled } } }',
      );
    }
  });

  it('record them as SKIPPED when email is off for the whole server', async () => {
    const quiet = await startTestApp(
      { EMAIL_ENABLED: 'false', ...smtp.env() },
      { clock: () => NOW },
    );
    try {
      const q = await scenario(quiet, 'quiet', { windows: weekdays('09:00', '17:00') });
      const res = await book(quiet, 'quiet', {
        serviceId: q.serviceId,
        startsAt: '2026-03-02T09:00:00Z',
      });
      expect(await statusesOf(quiet.database, res.data?.createBooking.booking?.id)).toEqual([
        'SKIPPED',
        'SKIPPED',
      ]);
    } finally {
      await quiet.close();
    }
  });
});

describe('the local mail sink', () => {
  it('writes each message to a file when no SMTP server is configured', async () => {
    const local = await startTestApp({}, { clock: () => NOW });
    try {
      const l = await scenario(local, 'local', { windows: weekdays('09:00', '17:00') });
      const res = await book(local, 'local', {
        serviceId: l.serviceId,
        startsAt: '2026-03-02T09:00:00Z',
        customer: { name: 'Sink', email: 'sink@customer.example' },
      });
      const files = await waitFor('two .eml files', async () => {
        const names = await readdir(local.mailSinkDir).catch(() => []);
        return names.filter((n) => n.endsWith('.eml')).length === 2 ? names : null;
      });
      const contents = await Promise.all(
        files.map((f) => readFile(path.join(local.mailSinkDir, f), 'utf8')),
      );
      expect(contents.some((c) => c.includes('To: sink@customer.example'))).toBe(true);
      expect(contents.every((c) => c.includes('Content-Type: text/calendar'))).toBe(true);
      expect(await statusesOf(local.database, res.data?.createBooking.booking?.id)).toEqual([
        'SENT',
        'SENT',
      ]);
    } finally {
      await local.close();
    }
  });
});

describe('isolation', () => {
  it('shows a tenant only its own notifications, and retries only its own', async () => {
    const other = await scenario(t, 'other', { windows: weekdays('09:00', '17:00') });
    const mine = await t.gql<{ notifications: Row[] }>(
      NOTIFICATIONS,
      {},
      { tenant: 'salon', token: s.tenant.token },
    );
    const theirs = await t.gql<{ notifications: Row[] }>(
      NOTIFICATIONS,
      {},
      { tenant: 'other', token: other.tenant.token },
    );
    expect(mine.data?.notifications.length).toBeGreaterThan(5);
    expect(theirs.data?.notifications).toEqual([]);
    const someone = mine.data?.notifications[0]?.id;
    await sql(t.database, "update notification set status = 'FAILED' where id = $1", [someone]);
    expect(
      (
        await t.gql(
          'mutation ($id: ID!) { retryNotification(id: $id) }',
          { id: someone },
          { tenant: 'other', token: other.tenant.token },
        )
      ).data,
    ).toEqual({ retryNotification: false });
    expect(
      (
        await sql<{ status: string }>(t.database, 'select status from notification where id = $1', [
          someone,
        ])
      )[0]?.status,
    ).toBe('FAILED');
    const partner = await t.gql(NOTIFICATIONS, {}, { tenant: 'salon' });
    expect(partner.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
