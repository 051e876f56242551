import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { databaseUrl, sql } from '../helpers/database.js';
import { freePort } from '../helpers/free-port.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import {
  type BookingResult,
  CREATE_BOOKING,
  everyDay,
  type Scenario,
  scenario,
} from '../helpers/scenario.js';
import { launchServer } from '../helpers/server-process.js';

/**
 * A server killed (kill -9) after its webhook reached the receiver and before it heard the
 * answer. Nothing recorded the attempt, so another instance sends the delivery again once
 * the dead one's lease has run out: the receiver gets it twice, with the same webhook-id
 * (at least once; it dedupes), and the delivery is recorded SUCCEEDED once.
 */
let t: TestApp;
let s: Scenario;
let receiver: Receiver;
const children: ChildProcess[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  // This in-process app only sets the tenant and its endpoint up, then stops, so that the
  // child processes below are the only workers on the database.
  t = await startTestApp({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1' });
  s = await scenario(t, 'hookcrash', { windows: everyDay('00:00', '24:00') });
  await s.admin(
    'mutation ($url: String!) { createWebhookEndpoint(input: { url: $url, events: [CREATED] }) { endpoint { id } userErrors { message } } }',
    { url: `${receiver.url}/hooks` },
  );
  await t.close();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await receiver?.close();
});

async function launch() {
  const server = await launchServer(await freePort(), {
    DATABASE_URL: databaseUrl(t.database),
    SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
    EMAIL_ENABLED: 'false',
    JOBS_SUPERVISE_SECONDS: '1',
    WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    WEBHOOK_TIMEOUT_MS: '1000',
  });
  children.push(server.child);
  return server;
}

describe('a server killed while its webhook was on the wire', () => {
  it('another instance sends it again with the same webhook-id, recorded SUCCEEDED once', async () => {
    const first = await launch();
    let killed = false;
    receiver.answer(() => {
      if (!killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
      return { status: 204 };
    });
    const startsAt = new Date(Date.now() + 3 * 86_400_000);
    startsAt.setUTCHours(10, 0, 0, 0);
    const res = await fetch(`${first.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant': s.tenant.slug },
      body: JSON.stringify({
        query: CREATE_BOOKING,
        variables: {
          input: {
            serviceId: s.serviceId,
            startsAt: startsAt.toISOString(),
            customer: { name: 'Kim', email: 'kim@customer.example' },
          },
        },
      }),
    });
    const made = (await res.json()) as BookingResult & { data?: BookingResult };
    const bookingId = made.data?.createBooking.booking?.id;
    expect(bookingId).toBeTruthy();
    await receiver.waitFor(1);
    await first.exited;
    await launch();
    const got = await receiver.waitFor(2, () => true, 90_000);
    expect(got[1]?.headers['webhook-id']).toBe(got[0]?.headers['webhook-id']);
    expect(got[1]?.body).toBe(got[0]?.body);
    let rows: Array<{ status: string; attempt_count: number }> = [];
    for (let i = 0; i < 100; i++) {
      rows = await sql(
        t.database,
        'select status, attempt_count from webhook_delivery where booking_id = $1',
        [bookingId],
      );
      if (rows[0]?.status === 'SUCCEEDED') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([{ status: 'SUCCEEDED', attempt_count: 1 }]);
    console.log(`webhook crash: ${got.length} requests for one delivery, recorded once`);
  }, 120_000);
});
