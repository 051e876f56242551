import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiKey, createTenant, login, startTestApp, type TestApp } from '../helpers/app.js';
import {
  addStaff,
  book,
  createService,
  everyDay,
  type Scenario,
  scenario,
} from '../helpers/scenario.js';

// Issue 19: `subscription { bookingEvents }` over WebSocket (graphql-ws) on the GraphQL paths,
// authenticated and tenant-resolved like HTTP, with the same role rules.

const NOW = Date.parse('2027-03-01T07:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: TestApp;
let s: Scenario;
let r2: string;
let s2: string;
let staffToken: string;
let _staffId: string;
let n = 0;
const freeStart = () => {
  const i = n++;
  return new Date(NOW + (2 + Math.floor(i / 12)) * DAY + (1 + (i % 12)) * HOUR).toISOString();
};

const SUBSCRIBE = `subscription ($types: [BookingEventType!]) {
  bookingEvents(types: $types) { id type bookingId sequence data }
}`;

interface Event {
  id: string;
  type: string;
  bookingId: string;
  data: { resourceIds: string[] };
}

/** A graphql-ws client over `ws`; what happened to its connection. */
function connect(params: Record<string, unknown>, path = '/graphql') {
  const closed: Array<{ code: number; reason: string }> = [];
  const client = createClient({
    url: `${t.url.replace('http', 'ws')}${path}`,
    webSocketImpl: WebSocket,
    connectionParams: params,
    retryAttempts: 0,
    lazy: false,
    // The close is read from `closed`; the client would print it otherwise.
    onNonLazyError: () => {},
    on: { closed: (e) => closed.push(e as { code: number; reason: string }) },
  });
  return { client, closed };
}

/** Subscribes and collects what arrives, and how the subscription ended. */
function follow(client: Client, variables: Record<string, unknown> = {}, query = SUBSCRIBE) {
  const events: Event[] = [];
  const errors: unknown[] = [];
  let done = false;
  const stop = client.subscribe<{ bookingEvents: Event }>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        if (value.data?.bookingEvents) events.push(value.data.bookingEvents);
      },
      error: (err) => {
        errors.push(err);
        done = true;
      },
      complete: () => {
        done = true;
      },
    },
  );
  return { events, errors, stop, ended: () => done };
}

async function until(what: string, check: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function newBooking(serviceId: string) {
  const res = await book(t, s.tenant.slug, { serviceId, startsAt: freeStart() });
  const id = res.data?.createBooking.booking?.id;
  if (!id) throw new Error(JSON.stringify(res));
  return id;
}

/** Subscribed: the server has the subscription running (its first read done). */
const settle = () => new Promise((r) => setTimeout(r, 300));

beforeAll(async () => {
  t = await startTestApp({ EMAIL_ENABLED: 'false' }, { clock: () => NOW });
  s = await scenario(t, 'live', { windows: everyDay('08:00', '20:00') });
  const second = await s.admin<{ createResource: { resource: { id: string } } }>(
    'mutation { createResource(name: "Chair Two") { resource { id } } }',
  );
  r2 = second.createResource.resource.id;
  await s.admin(
    'mutation ($r: ID!, $w: [WeeklyWindowInput!]!) { setWeeklyWindows(resourceId: $r, windows: $w) { resource { id } } }',
    { r: r2, w: everyDay('08:00', '20:00') },
  );
  s2 = await createService(s.admin, { name: 'Colour', durationMinutes: 60, resourceId: r2 });
  _staffId = await addStaff(t, s, {
    email: 'staff@live.example',
    password: 'staff-live-password',
    resourceIds: [s.resourceId],
  });
  staffToken = await login(t, 'live', 'staff@live.example', 'staff-live-password');
});

afterAll(async () => {
  await t?.close();
});

describe('subscription bookingEvents', () => {
  it('pushes each event to an admin, in order, and filters by type', async () => {
    const { client } = connect({ authorization: `Bearer ${s.tenant.token}`, tenant: 'live' });
    try {
      const all = follow(client);
      const cancels = follow(client, { types: ['CANCELLED'] });
      await settle();
      const id = await newBooking(s.serviceId);
      await s.admin('mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { message } } }', {
        id,
      });
      await until('two events', () => all.events.filter((e) => e.bookingId === id).length === 2);
      expect(all.events.filter((e) => e.bookingId === id).map((e) => e.type)).toEqual([
        'CREATED',
        'CANCELLED',
      ]);
      await until('the cancel', () => cancels.events.length === 1);
      expect(cancels.events.map((e) => [e.type, e.bookingId])).toEqual([['CANCELLED', id]]);
      expect(all.errors).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  it('gives STAFF only the events of their resources; a partner key and the tenant path work', async () => {
    const staff = connect({ authorization: `Bearer ${staffToken}` }, '/t/live/graphql');
    const key = (await createApiKey(t, s.tenant, 'PARTNER')).secret;
    const partner = connect({ authorization: `Bearer ${key}`, tenant: 'live' });
    try {
      const mine = follow(staff.client);
      const theirs = follow(partner.client);
      await settle();
      const own = await newBooking(s.serviceId);
      const other = await newBooking(s2);
      await until('the partner sees both', () => theirs.events.length >= 2);
      await until('staff see their own', () => mine.events.some((e) => e.bookingId === own));
      await new Promise((r) => setTimeout(r, 500));
      expect(mine.events.map((e) => e.bookingId)).toEqual([own]);
      expect(mine.events.every((e) => e.data.resourceIds[0] === s.resourceId)).toBe(true);
      expect(theirs.events.map((e) => e.bookingId)).toEqual([own, other]);
    } finally {
      await staff.client.dispose();
      await partner.client.dispose();
    }
  });

  it('refuses a connection without a working credential for the tenant', async () => {
    const other = await createTenant(t, 'live-other');
    const attempts = [
      {},
      { tenant: 'live' },
      { authorization: 'Bearer nonsense', tenant: 'live' },
      // Another tenant's session, naming this tenant.
      { authorization: `Bearer ${other.token}`, tenant: 'live' },
    ];
    for (const params of attempts) {
      const { client, closed } = connect(params);
      const sub = follow(client);
      await until('the close', () => closed.length > 0);
      expect(closed[0]?.code, JSON.stringify(params)).toBe(4403);
      expect(sub.events).toEqual([]);
      await client.dispose();
    }
  });

  it('serves only subscriptions over WebSocket: a query or mutation is refused', async () => {
    const { client } = connect({ authorization: `Bearer ${s.tenant.token}`, tenant: 'live' });
    try {
      const query = follow(client, {}, '{ bookings { totalCount } }');
      await until('the refusal', () => query.ended());
      expect(JSON.stringify(query.errors)).toMatch(/Only subscriptions are served over WebSocket/);
      const deep = follow(
        client,
        {},
        'subscription { bookingEvents { id a1: id a2: id a3: id a4: id a5: id a6: id a7: id a8: id a9: id a10: id a11: id a12: id a13: id a14: id a15: id a16: id } }',
      );
      await until('the refusal', () => deep.ended());
      expect(JSON.stringify(deep.errors)).toMatch(/aliases/i);
    } finally {
      await client.dispose();
    }
  });

  it('holds at most ten subscriptions on one connection', async () => {
    const { client } = connect({ authorization: `Bearer ${s.tenant.token}`, tenant: 'live' });
    try {
      const held = Array.from({ length: 10 }, () => follow(client));
      await settle();
      const one = follow(client);
      await until('the refusal', () => one.ended());
      expect(JSON.stringify(one.errors)).toMatch(/at most 10 subscriptions/);
      expect(held.every((h) => !h.ended())).toBe(true);
      // Stopping one makes room.
      held[0]?.stop();
      await settle();
      const again = follow(client);
      const id = await newBooking(s.serviceId);
      await until('the event', () => again.events.some((e) => e.bookingId === id));
    } finally {
      await client.dispose();
    }
  });

  it('ends a subscription whose user is deactivated', async () => {
    const leaver = await addStaff(t, s, {
      email: 'leaver@live.example',
      password: 'leaver-live-password',
      resourceIds: [s.resourceId],
    });
    const token = await login(t, 'live', 'leaver@live.example', 'leaver-live-password');
    const { client } = connect({ authorization: `Bearer ${token}`, tenant: 'live' });
    try {
      const sub = follow(client);
      await settle();
      await s.admin(
        'mutation ($id: ID!) { updateUser(id: $id, input: { active: false }) { user { id } } }',
        { id: leaver },
      );
      await newBooking(s.serviceId);
      await until('the end', () => sub.ended() || sub.errors.length > 0);
      expect(JSON.stringify(sub.errors)).toMatch(/no longer works/);
      expect(sub.events).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});
