import { type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { databaseUrl, sql } from '../helpers/database.js';
import { freePort } from '../helpers/free-port.js';
import { everyDay, type Scenario, scenario } from '../helpers/scenario.js';
import { launchServer } from '../helpers/server-process.js';
import { TestSmtpServer, waitFor } from '../helpers/smtp.js';

/**
 * A worker killed after the SMTP server accepted a message and before the notification was
 * recorded as SENT. SMTP cannot tell a client that a message it never heard the answer to
 * was delivered, so the job runs again after restart: the message is delivered a second
 * time, with the same Message-ID (mail clients show it once), and then recorded, once.
 */
let smtp: TestSmtpServer;
let t: TestApp;
let s: Scenario;
const children: ChildProcess[] = [];

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  // This in-process app only sets the tenant up, then stops, so that the child processes
  // below are the only workers on the database.
  t = await startTestApp({ ...smtp.env() });
  s = await scenario(t, 'crash', {
    windows: everyDay('00:00', '24:00'),
  });
  await t.close();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await smtp?.stop();
});

async function launch() {
  const server = await launchServer(await freePort(), {
    DATABASE_URL: databaseUrl(t.database),
    SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
    NOTIFY_RETRY_LIMIT: '3',
    NOTIFY_RETRY_DELAY_SECONDS: '1',
    JOBS_SUPERVISE_SECONDS: '1',
    ...smtp.env(),
  });
  children.push(server.child);
  return server;
}

describe('a worker killed between sending and recording', () => {
  it('re-sends after restart with the same Message-ID, and records the notification SENT once', async () => {
    const first = await launch();
    const lock = new pg.Client({ connectionString: databaseUrl(t.database) });
    lock.on('error', () => {});
    await lock.connect();
    let killed = false;
    // The kill lands on the customer's confirmation (the message with the manage link),
    // whichever of the booking's two messages goes out first.
    const toCustomer = (raw: string) => /^To: .*kim@customer\.example/im.test(raw);
    smtp.beforeAccept = async (raw) => {
      if (killed || !toCustomer(raw)) return;
      // Hold the notification rows so that the worker cannot record SENT after our 250.
      await lock.query('begin');
      await lock.query("select id from notification where status = 'QUEUED' for update");
    };
    let released: Promise<unknown> = Promise.resolve();
    smtp.afterAccept = (raw) => {
      if (killed || !toCustomer(raw)) return;
      killed = true;
      first.child.kill('SIGKILL');
      // An UPDATE the worker sent just before it died waits on our lock, and PostgreSQL would
      // run it once the lock is free: end the dead worker's backends first, as its death a
      // moment earlier would have, so that the record really is lost.
      released = first.exited
        .then(() =>
          lock.query(
            'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
          ),
        )
        .then(() => lock.query('rollback'));
    };

    const startsAt = new Date(Date.now() + 7 * 86_400_000);
    startsAt.setUTCHours(10, 0, 0, 0);
    const res = await fetch(`${first.url}/t/crash/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          'mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } userErrors { code } } }',
        variables: {
          input: {
            serviceId: s.serviceId,
            startsAt: startsAt.toISOString(),
            customer: { name: 'Kim', email: 'kim@customer.example' },
          },
        },
      }),
    });
    const bookingId = (
      (await res.json()) as { data: { createBooking: { booking: { id: string } } } }
    ).data.createBooking.booking.id;
    await waitFor('the kill', async () => killed);
    await first.exited;
    await released;
    const [afterKill] = await sql<{ status: string }>(
      t.database,
      "select status from notification where booking_id = $1 and kind = 'booking.created.customer'",
      [bookingId],
    );
    expect(afterKill?.status).toBe('QUEUED');
    await lock.end();

    await launch();
    const rows = await waitFor(
      'both notifications SENT',
      async () => {
        const r = await sql<{ id: string; kind: string; status: string; attempts: number }>(
          t.database,
          "select id, kind, status, attempts from notification where booking_id = $1 and kind not like 'reminder.%' order by kind",
          [bookingId],
        );
        return r.length === 2 && r.every((x) => x.status === 'SENT') ? r : null;
      },
      60_000,
    );
    const customerRow = rows.find((r) => r.kind === 'booking.created.customer');
    // The SMTP helper records a message before it answers 250, so every copy is here.
    const copies = smtp.received.filter((m) =>
      m.parsed.messageId?.includes(customerRow?.id ?? '-'),
    );
    console.log(
      'crash between send and record',
      JSON.stringify({
        deliveries: copies.length,
        messageIds: copies.map((c) => c.parsed.messageId),
        attempts: customerRow?.attempts,
      }),
    );
    // Once before the kill, once after the restart.
    expect(copies.length).toBe(2);
    expect(new Set(copies.map((c) => c.parsed.messageId)).size).toBe(1);
    expect(new Set(copies.map((c) => c.parsed.subject)).size).toBe(1);
    expect(customerRow?.attempts).toBe(copies.length);
  }, 120_000);
});
