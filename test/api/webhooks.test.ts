import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../src/webhooks/webhook-sender.js';
import { createTenant, startTestApp, type TestApp } from '../helpers/app.js';
import { databaseUrl, sql } from '../helpers/database.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { book, createService, everyDay, type Scenario, scenario } from '../helpers/scenario.js';

// Issue 19: signed webhooks, delivered at least once and in order per booking, retried, paused
// after the retry window, and never sent to an address that is not public (domain.md,
// "Booking events"; docs/EVENTS.md).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2027-03-01T07:00:00Z');

let t: TestApp;
let s: Scenario;
let receiver: Receiver;
let n = 0;
const freeStart = () => {
  const i = n++;
  return new Date(NOW + (2 + Math.floor(i / 12)) * DAY + (1 + (i % 12)) * HOUR).toISOString();
};

interface Body {
  type: string;
  id: string;
  bookingId: string;
  sequence: number;
  actorKind: string;
  data: Record<string, unknown>;
}

const ENDPOINT = `mutation ($input: WebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    secret endpoint { id url events serviceIds payload active }
    userErrors { code field message }
  }
}`;

async function endpoint(input: Record<string, unknown>) {
  const res = await s.admin<{
    createWebhookEndpoint: {
      secret: string;
      endpoint: { id: string } | null;
      userErrors: unknown[];
    };
  }>(ENDPOINT, {
    input: {
      url: `${receiver.url}/hooks`,
      events: ['CREATED', 'CONFIRMED', 'CANCELLED', 'RESCHEDULED', 'DETAILS_UPDATED'],
      ...input,
    },
  });
  const made = res.createWebhookEndpoint;
  if (!made.endpoint) throw new Error(JSON.stringify(made.userErrors));
  return { id: made.endpoint.id, secret: made.secret };
}

async function newBooking(serviceId = s.serviceId) {
  const res = await book(t, s.tenant.slug, { serviceId, startsAt: freeStart() });
  const id = res.data?.createBooking.booking?.id;
  if (!id) throw new Error(JSON.stringify(res));
  return id;
}

const bodyOf = (r: { body: string }) => JSON.parse(r.body) as Body;
const of = (bookingId: string) => (r: { body: string }) => bodyOf(r).bookingId === bookingId;

const DELIVERIES = `query ($id: ID!, $status: WebhookDeliveryStatus) {
  webhookDeliveries(endpointId: $id, status: $status, first: 100) {
    id type status messageId bookingId attemptCount lastStatusCode lastError
    attempts { statusCode latencyMs error succeeded }
  }
}`;
interface Delivery {
  id: string;
  type: string;
  status: string;
  messageId: string;
  bookingId: string | null;
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
  attempts: Array<{
    statusCode: number | null;
    latencyMs: number;
    error: string | null;
    succeeded: boolean;
  }>;
}
const deliveries = async (id: string, status?: string) =>
  (await s.admin<{ webhookDeliveries: Delivery[] }>(DELIVERIES, { id, status })).webhookDeliveries;

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 20_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  t = await startTestApp(
    {
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE: '1,1,1',
      WEBHOOK_TIMEOUT_MS: '1000',
    },
    { clock: () => NOW },
  );
  s = await scenario(t, 'hooks', { windows: everyDay('08:00', '20:00') });
});

afterEach(async () => {
  // Each test its own endpoints and receiver.
  await sql(t.database, 'delete from webhook_endpoint where tenant_id = $1', [s.tenant.id]);
  await receiver?.close();
});

afterAll(async () => {
  await t?.close();
});

describe('webhook deliveries', () => {
  it('delivers each change signed as Standard Webhooks specifies, with the webhook-id of its event', async () => {
    receiver = await startReceiver();
    const hook = await endpoint({});
    expect(hook.secret).toMatch(/^whsec_/);
    const id = await newBooking();
    await s.admin(
      'mutation ($id: ID!) { cancelBooking(id: $id, reason: "Ill") { userErrors { message } } }',
      { id },
    );
    const got = await receiver.waitFor(2, of(id));
    const verifier = new Webhook(hook.secret);
    const bodies = got.map((r) => verifier.verify(r.body, r.headers) as Body);
    expect(bodies.map((b) => [b.type, b.sequence])).toEqual([
      ['booking.created', 1],
      ['booking.cancelled', 2],
    ]);
    expect(bodies[0]?.data).toMatchObject({ id, customer: { email: 'ada@example.com' } });
    expect(bodies[1]?.data).toMatchObject({ status: 'CANCELLED', cancellationReason: 'Ill' });
    const events = await sql(
      t.database,
      'select id from booking_event where booking_id = $1 order by sequence',
      [id],
    );
    expect(got.map((r) => r.headers['webhook-id'])).toEqual(events.map((e) => e.id));
    expect(got[0]?.headers['content-type']).toBe('application/json');
    // Another secret does not verify: the signature is checked, not only present.
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(
        got[0]?.body ?? '',
        got[0]?.headers ?? {},
      ),
    ).toThrow();
    const done = await until('both SUCCEEDED', async () => {
      const list = (await deliveries(hook.id)).filter((d) => d.bookingId === id);
      return list.every((d) => d.status === 'SUCCEEDED') && list.length === 2 && list;
    });
    expect(done[0]?.attempts).toEqual([
      { statusCode: 204, latencyMs: expect.any(Number), error: null, succeeded: true },
    ]);
  });

  it("keeps one endpoint's deliveries of a booking in event order, the receiver slow", async () => {
    receiver = await startReceiver();
    receiver.answer(() => ({ status: 200, delayMs: 120 }));
    await endpoint({});
    const id = await newBooking();
    for (const notes of ['one', 'two', 'three']) {
      await s.admin(
        'mutation ($id: ID!, $n: String) { updateBookingDetails(id: $id, input: { notes: $n }) { userErrors { message } } }',
        { id, n: notes },
      );
    }
    const got = await receiver.waitFor(4, of(id));
    expect(got.map((r) => bodyOf(r).sequence)).toEqual([1, 2, 3, 4]);
    expect(got.map((r) => bodyOf(r).data.notes)).toEqual([null, 'one', 'two', 'three']);
  });

  it('IDS_ONLY carries ids, status and times, and no personal data', async () => {
    receiver = await startReceiver();
    await endpoint({ payload: 'IDS_ONLY' });
    const res = await t.gql<{ createBooking: { booking: { id: string } } }>(
      `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } } }`,
      {
        input: {
          serviceId: s.serviceId,
          startsAt: freeStart(),
          notes: 'allergic to latex',
          customer: { name: 'Grace Hopper', email: 'grace@navy.example', phone: '+15550100' },
        },
      },
      { tenant: s.tenant.slug },
    );
    const id = res.data?.createBooking.booking.id as string;
    const [got] = await receiver.waitFor(1, of(id));
    const body = bodyOf(got as { body: string });
    expect(Object.keys(body.data).sort()).toEqual([
      'endsAt',
      'id',
      'resourceIds',
      'serviceId',
      'startsAt',
      'status',
    ]);
    for (const personal of ['Grace', 'grace@navy', '5550100', 'latex'])
      expect(got?.body).not.toContain(personal);
  });

  it('sends only the event types and services the endpoint names', async () => {
    receiver = await startReceiver();
    const other = await createService(s.admin, { name: 'Other', durationMinutes: 60 });
    await endpoint({ events: ['CANCELLED'], serviceIds: [other] });
    const a = await newBooking();
    const b = await newBooking(other);
    for (const id of [a, b]) {
      await s.admin('mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { message } } }', {
        id,
      });
    }
    await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.map((r) => [bodyOf(r).type, bodyOf(r).bookingId])).toEqual([
      ['booking.cancelled', b],
    ]);
  });

  it('signs with the old secret beside the new one for 24 hours after a rotation', async () => {
    receiver = await startReceiver();
    const hook = await endpoint({});
    const rotated = await s.admin<{ rotateWebhookSecret: { secret: string } }>(
      'mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret userErrors { message } } }',
      { id: hook.id },
    );
    const fresh = rotated.rotateWebhookSecret.secret;
    expect(fresh).not.toBe(hook.secret);
    const first = await newBooking();
    const [during] = await receiver.waitFor(1, of(first));
    expect(during?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(fresh).verify(during?.body ?? '', during?.headers ?? {})).toBeTruthy();
    expect(new Webhook(hook.secret).verify(during?.body ?? '', during?.headers ?? {})).toBeTruthy();
    // 24 hours later (the grace period's end moved into the past): the new secret only.
    await sql(
      t.database,
      "update webhook_endpoint set previous_secret_until = now() - interval '1 second' where id = $1",
      [hook.id],
    );
    const second = await newBooking();
    const [after] = await receiver.waitFor(1, of(second));
    expect(after?.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(new Webhook(fresh).verify(after?.body ?? '', after?.headers ?? {})).toBeTruthy();
    expect(() =>
      new Webhook(hook.secret).verify(after?.body ?? '', after?.headers ?? {}),
    ).toThrow();
  });

  it('retries a receiver that is down and delivers everything once it is back; each attempt kept', async () => {
    receiver = await startReceiver();
    let down = true;
    receiver.answer(() => (down ? { status: 503, body: 'maintenance' } : { status: 204 }));
    const hook = await endpoint({ events: ['CREATED'] });
    const ids = [await newBooking(), await newBooking(), await newBooking()];
    await receiver.waitFor(6); // each booking's first attempt and its first retry
    down = false;
    const list = await until('all SUCCEEDED', async () => {
      const found = await deliveries(hook.id);
      return found.length === 3 && found.every((d) => d.status === 'SUCCEEDED') && found;
    });
    for (const d of list) {
      expect(d.attempts.length).toBeGreaterThanOrEqual(2);
      expect(d.attempts[0]).toMatchObject({
        statusCode: 503,
        succeeded: false,
        error: 'HTTP 503: maintenance',
      });
      expect(d.attempts.at(-1)).toMatchObject({ statusCode: 204, succeeded: true, error: null });
      expect(d.attemptCount).toBe(d.attempts.length);
    }
    // Delivered at least once; the receiver dedupes by webhook-id.
    const delivered = receiver.received.filter((r) => ids.some((id) => of(id)(r)));
    expect(new Set(delivered.map((r) => r.headers['webhook-id'])).size).toBe(3);
  });

  it('gives up after the retry window: FAILED, the endpoint paused, the admins emailed; resuming sends what waited', async () => {
    receiver = await startReceiver();
    let up = false;
    receiver.answer(() => (up ? { status: 204 } : { status: 500 }));
    const hook = await endpoint({ events: ['CREATED'] });
    const first = await newBooking();
    const failed = await until('FAILED', async () => (await deliveries(hook.id, 'FAILED'))[0]);
    // The schedule 1,1,1: the first attempt and three retries.
    expect(failed.attemptCount).toBe(4);
    const [paused] = await sql(
      t.database,
      'select active, pause_reason from webhook_endpoint where id = $1',
      [hook.id],
    );
    expect(paused?.active).toBe(false);
    expect(paused?.pause_reason).toMatch(/HTTP 500/);
    // Sent (to the local mail sink), once per active admin.
    const mail = await until('the notice', async () => {
      const rows = await sql(
        t.database,
        "select recipient, status from notification where kind = 'notice.webhook_paused' and tenant_id = $1",
        [s.tenant.id],
      );
      return rows.length > 0 && rows.every((r) => r.status === 'SENT') && rows;
    });
    expect(mail.map((m) => m.recipient)).toEqual([s.tenant.adminEmail]);
    const sink = await readdir(t.mailSinkDir);
    const notices = await Promise.all(
      sink.map((f) => readFile(path.join(t.mailSinkDir, f), 'utf8')),
    );
    expect(notices.filter((m) => m.includes('Subject: Webhook paused'))).toHaveLength(1);
    // Paused: a new booking's delivery waits.
    const second = await newBooking();
    const seen = receiver.received.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.length).toBe(seen);
    up = true;
    const resumed = await s.admin<{ updateWebhookEndpoint: { endpoint: { active: boolean } } }>(
      'mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { active: true }) { endpoint { active } userErrors { message } } }',
      { id: hook.id },
    );
    expect(resumed.updateWebhookEndpoint.endpoint.active).toBe(true);
    await receiver.waitFor(1, (r) => of(first)(r) && receiver.received.indexOf(r) >= seen);
    await receiver.waitFor(1, of(second));
    await until('all SUCCEEDED', async () =>
      (await deliveries(hook.id)).every((d) => d.status === 'SUCCEEDED'),
    );
  });

  it('books while an endpoint is deleted in a transaction that commits first: no error, no delivery', async () => {
    receiver = await startReceiver();
    const hook = await endpoint({ events: ['CREATED'] });
    const admin = new pg.Client({ connectionString: databaseUrl(t.database) });
    admin.on('error', () => {});
    await admin.connect();
    try {
      await admin.query('begin');
      await admin.query('delete from webhook_endpoint where id = $1', [hook.id]);
      // The booking's transaction waits on the deleted row's lock, then skips it.
      const booking = book(t, s.tenant.slug, { serviceId: s.serviceId, startsAt: freeStart() });
      await new Promise((r) => setTimeout(r, 300));
      await admin.query('commit');
      const res = await booking;
      expect(res.errors).toBeUndefined();
      const id = res.data?.createBooking.booking?.id;
      expect(id).toBeTruthy();
      const rows = await sql(t.database, 'select id from webhook_delivery where booking_id = $1', [
        id,
      ]);
      expect(rows).toEqual([]);
      const events = await sql(t.database, 'select type from booking_event where booking_id = $1', [
        id,
      ]);
      expect(events.map((e) => e.type)).toEqual(['CREATED']);
    } finally {
      await admin.end();
    }
  });

  it('sends a test ping, and redelivers a delivery with the same webhook-id', async () => {
    receiver = await startReceiver();
    const hook = await endpoint({ events: ['CREATED'] });
    const ping = await s.admin<{ sendTestWebhook: { delivery: { id: string; type: string } } }>(
      'mutation ($id: ID!) { sendTestWebhook(id: $id) { delivery { id type } userErrors { message } } }',
      { id: hook.id },
    );
    expect(ping.sendTestWebhook.delivery.type).toBe('webhook.test');
    const [got] = await receiver.waitFor(1);
    expect(new Webhook(hook.secret).verify(got?.body ?? '', got?.headers ?? {})).toMatchObject({
      type: 'webhook.test',
    });
    const id = await newBooking();
    const [first] = await receiver.waitFor(1, of(id));
    const [delivery] = (await deliveries(hook.id)).filter((d) => d.bookingId === id);
    const again = await s.admin<{ redeliverWebhook: { delivery: { messageId: string } } }>(
      'mutation ($id: ID!) { redeliverWebhook(deliveryId: $id) { delivery { messageId } userErrors { message } } }',
      { id: delivery?.id },
    );
    expect(again.redeliverWebhook.delivery.messageId).toBe(first?.headers['webhook-id']);
    const both = await receiver.waitFor(2, of(id));
    expect(both[1]?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    expect(both[1]?.body).toBe(first?.body);
  });

  it("never sends one tenant's events to another's endpoint, nor shows or changes another's", async () => {
    receiver = await startReceiver();
    const mine = await endpoint({});
    const other = await createTenant(t, 'hooks-other');
    const theirReceiver = await startReceiver();
    try {
      const made = await t.gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
        ENDPOINT,
        {
          input: { url: `${theirReceiver.url}/x`, events: ['CREATED'] },
        },
        { tenant: other.slug, token: other.token },
      );
      expect(made.data?.createWebhookEndpoint.endpoint.id).toBeTruthy();
      const id = await newBooking();
      await receiver.waitFor(1, of(id));
      await new Promise((r) => setTimeout(r, 1000));
      expect(theirReceiver.received).toEqual([]);
      const asOther = { tenant: other.slug, token: other.token };
      const list = await t.gql<{ webhookDeliveries: unknown[] }>(
        DELIVERIES,
        { id: mine.id },
        asOther,
      );
      expect(list.data?.webhookDeliveries).toEqual([]);
      const change = await t.gql<{
        updateWebhookEndpoint: { userErrors: Array<{ code: string }> };
      }>(
        'mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { url: "http://127.0.0.1:1/" }) { userErrors { code } } }',
        { id: mine.id },
        asOther,
      );
      expect(change.data?.updateWebhookEndpoint.userErrors[0]?.code).toBe('NOT_FOUND');
      const [kept] = await sql(t.database, 'select url from webhook_endpoint where id = $1', [
        mine.id,
      ]);
      expect(kept?.url).toBe(`${receiver.url}/hooks`);
    } finally {
      await theirReceiver.close();
    }
  });
});

describe('no request forgery', () => {
  it('refuses, when saving, URLs that are not http(s) or reach a private address, naming the field', async () => {
    receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    const cases: Array<[string, RegExp]> = [
      ['http://10.1.2.3/hook', /public address/],
      ['http://192.168.0.10/hook', /public address/],
      ['http://[::1]/hook', /public address/],
      ['http://169.254.169.254/latest/meta-data', /public address/],
      // A name that resolves to 127.0.0.1 (localhost is not among the allowed hosts).
      [`http://localhost:${port}/hook`, /public address/],
      ['ftp://example.com/x', /http\(s\) URL/],
      ['not a url', /http\(s\) URL/],
      ['http://user:pw@127.0.0.1/x', /user name or password/],
    ];
    for (const [url, message] of cases) {
      const res = await s.admin<{
        createWebhookEndpoint: {
          endpoint: unknown;
          userErrors: Array<{ field: string[]; message: string }>;
        };
      }>(ENDPOINT, { input: { url, events: ['CREATED'] } });
      expect(res.createWebhookEndpoint.endpoint, url).toBeNull();
      expect(res.createWebhookEndpoint.userErrors[0]?.field).toEqual(['input', 'url']);
      expect(res.createWebhookEndpoint.userErrors[0]?.message, url).toMatch(message);
    }
    const [count] = await sql(
      t.database,
      'select count(*)::int as c from webhook_endpoint where tenant_id = $1',
      [s.tenant.id],
    );
    expect(count?.c).toBe(0);
  });

  it('checks the address it connects to when sending: a name resolving to loopback is refused', async () => {
    receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    const options = { production: false, allowHosts: [], timeoutMs: 1000, userAgent: 'test' };
    for (const url of [`http://localhost:${port}/x`, `${receiver.url}/x`]) {
      const outcome = await post(url, {}, '{}', options);
      expect(outcome.succeeded).toBe(false);
      expect(outcome.error).toMatch(/not allowed/);
    }
    expect(receiver.received).toEqual([]);
    // Production: https only, but to a host the operator allowed.
    const plain = await post('http://example.com/x', {}, '{}', { ...options, production: true });
    expect(plain.error).toMatch(/must use https/);
    const local = await post(`${receiver.url}/x`, {}, '{}', {
      ...options,
      production: true,
      allowHosts: ['127.0.0.1'],
    });
    expect(local.succeeded).toBe(true);
    expect(receiver.received.map((r) => r.path)).toEqual(['/x']);
  });

  it('follows no redirect, reads little of an answer and waits only so long', async () => {
    receiver = await startReceiver();
    const options = {
      production: false,
      allowHosts: ['127.0.0.1'],
      timeoutMs: 1000,
      userAgent: 'test',
    };
    receiver.answer((r) =>
      r.path === '/moved'
        ? { status: 302, location: `${receiver.url}/elsewhere` }
        : r.path === '/big'
          ? { status: 500, body: 'x'.repeat(5_000_000) }
          : r.path === '/slow'
            ? { status: 200, hang: true }
            : { status: 204 },
    );
    const moved = await post(`${receiver.url}/moved`, {}, '{}', options);
    expect(moved).toMatchObject({ statusCode: 302, succeeded: false });
    expect(moved.error).toMatch(/redirect to .*\/elsewhere not followed/);
    const big = await post(`${receiver.url}/big`, {}, '{}', options);
    expect(big.statusCode).toBe(500);
    expect(big.error?.length).toBeLessThanOrEqual(1100);
    const slow = await post(`${receiver.url}/slow`, {}, '{}', options);
    expect(slow).toMatchObject({
      statusCode: null,
      succeeded: false,
      error: 'no answer within 1000 ms',
    });
    expect(receiver.received.map((r) => r.path)).toEqual(['/moved', '/big', '/slow']);
  });
});
