import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { freePort } from '../helpers/free-port.js';
import { OVERLAPS_SQL } from '../helpers/scenario.js';
import { launchServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * A PostgreSQL of its own, restarted and cut off under a mixed read/write load on three
 * instances of the built server with default settings (rate limits on): no instance exits,
 * requests during the outage answer 503 SERVICE_UNAVAILABLE with Retry-After (never 500),
 * and every instance serves again within seconds of the database's return.
 */
const PLATFORM = 'platform-token-0123456789abcdef0123456789';
const DATABASE = 'faults';

let dataDir: string;
let pgPort: number;
let database: EmbeddedDatabase;
let servers: Array<ServerProcess & { url: string }> = [];
let serviceId = '';

const url = () => database.url(DATABASE);

async function sqlRows<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url() });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

interface Outcome {
  status: number;
  code: string | null;
  retryAfter: string | null;
}

let booking = 0;
/** One read (slots) or one write (a booking at a start of its own), from an address of its own. */
async function call(server: { url: string }, write: boolean): Promise<Outcome> {
  const n = booking++;
  const startsAt = new Date(Date.parse('2027-01-04T00:00:00Z') + n * 30 * 60_000).toISOString();
  const body = write
    ? {
        query:
          'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } userErrors { code } } }',
        variables: {
          i: {
            serviceId,
            startsAt,
            idempotencyKey: randomUUID(),
            customer: { name: 'Load Test', email: `load${n}@example.com` },
          },
        },
      }
    : {
        query:
          'query ($id: ID!) { slots(serviceId: $id, from: "2027-01-04", to: "2027-01-10") { startsAt } }',
        variables: { id: serviceId },
      };
  try {
    const res = await fetch(`${server.url}/t/faults/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // A visitor of its own, as behind a load balancer (TRUSTED_PROXIES).
        'x-forwarded-for': `10.${n % 200}.${Math.floor(n / 200) % 250}.7`,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await res.json().catch(() => ({}))) as {
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    return {
      status: res.status,
      code: json.errors?.[0]?.extensions?.code ?? null,
      retryAfter: res.headers.get('retry-after'),
    };
  } catch {
    return { status: 0, code: 'NO_ANSWER', retryAfter: null };
  }
}

/** Reads and writes against every instance until `stop()`; what each answered. */
function load() {
  const outcomes: Outcome[] = [];
  let running = true;
  const workers = servers.flatMap((server) =>
    [false, true].map(async (write) => {
      while (running) {
        outcomes.push(await call(server, write));
        await new Promise((r) => setTimeout(r, 20));
      }
    }),
  );
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(workers);
      return outcomes;
    },
  };
}

/** Seconds until every instance has answered a read and a write with 200 and no error. */
async function secondsUntilServing(): Promise<number> {
  const started = Date.now();
  for (const server of servers) {
    for (const write of [false, true]) {
      for (;;) {
        const outcome = await call(server, write);
        if (outcome.status === 200 && outcome.code === null) break;
        if (Date.now() - started > 60_000)
          throw new Error(`not serving: ${JSON.stringify(outcome)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  return (Date.now() - started) / 1000;
}

function expectAllRunning() {
  for (const server of servers) {
    expect(server.child.exitCode, server.stderr()).toBeNull();
    expect(server.stderr()).not.toMatch(/Unhandled|uncaught/i);
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'booking-faults-'));
  await chmod(dataDir, 0o755);
  pgPort = await freePort();
  database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: pgPort });
  await database.createDatabase(DATABASE);
  // Three instances starting at once on an empty database: one migrates, all serve.
  servers = await Promise.all(
    [0, 1, 2].map(async (i) =>
      launchServer(await freePort(), {
        DATABASE_URL: url(),
        DATA_DIR: path.join(dataDir, `app${i}`),
        PLATFORM_ADMIN_TOKEN: PLATFORM,
        TRUSTED_PROXIES: '127.0.0.1',
        JOBS_SUPERVISE_SECONDS: '2',
      }),
    ),
  );
  const admin = async (query: string, variables: Record<string, unknown>, token = PLATFORM) => {
    const res = await fetch(`${servers[0]?.url}/t/faults/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data: Record<string, Record<string, unknown>> };
  };
  await fetch(`${servers[0]?.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${PLATFORM}` },
    body: JSON.stringify({
      query:
        'mutation { createTenant(input: { slug: "faults", name: "Faults", timeZone: "UTC", email: "f@example.com", adminEmail: "admin@faults.example", adminPassword: "correct-horse-battery" }) { tenant { id } } }',
    }),
  });
  const login = await admin(
    'mutation { login(email: "admin@faults.example", password: "correct-horse-battery") { session { token } } }',
    {},
  );
  const token = (login.data.login as { session: { token: string } }).session.token;
  await admin(
    'mutation { updateTenant(input: { minimumNoticeMinutes: 0 }) { userErrors { message } } }',
    {},
    token,
  );
  await admin(
    'mutation ($w: [WeeklyWindowInput!]!) { setWeeklyWindows(windows: $w) { userErrors { message } } }',
    {
      w: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map(
        (weekday) => ({ weekday, startTime: '00:00', endTime: '24:00' }),
      ),
    },
    token,
  );
  const created = await admin(
    'mutation { createService(input: { name: "Session", durationMinutes: 30 }) { service { id } } }',
    {},
    token,
  );
  serviceId = (created.data.createService as { service: { id: string } }).service.id;
}, 120_000);

afterAll(async () => {
  for (const server of servers) {
    if (server.child.exitCode === null) server.child.kill('SIGTERM');
    await server.exited;
  }
  await database?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('database faults', () => {
  it('serves through a PostgreSQL restart under load: 503 with Retry-After meanwhile, then serving again', async () => {
    const before = load();
    await new Promise((r) => setTimeout(r, 1500));
    const warm = await before.stop();
    expect(warm.length).toBeGreaterThan(20);
    expect(warm.every((o) => o.status === 200)).toBe(true);

    const during = load();
    await new Promise((r) => setTimeout(r, 500));
    await database.stop();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 3000));
    database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: pgPort });
    const outage = await during.stop();
    const recovery = await secondsUntilServing();
    console.log(
      `restart: down ${((Date.now() - downAt) / 1000).toFixed(1)} s in all; ${outage.length} requests meanwhile, ${outage.filter((o) => o.status === 503).length} answered 503; every instance serving ${recovery.toFixed(1)} s after the database was back`,
    );

    expectAllRunning();
    const unavailable = outage.filter((o) => o.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const o of unavailable) {
      expect(o.code).toBe('SERVICE_UNAVAILABLE');
      expect(o.retryAfter).toBe('5');
    }
    // Nothing else than a success or "retry shortly": no 500, no dropped answer.
    expect(outage.filter((o) => o.status !== 200 && o.status !== 503)).toEqual([]);
    expect(recovery).toBeLessThan(20);

    const after = load();
    await new Promise((r) => setTimeout(r, 1500));
    const served = await after.stop();
    expect(served.every((o) => o.status === 200 && o.code === null)).toBe(true);
    // The change feed reconnected and proved itself again: the read caches are back on.
    for (const server of servers) {
      const deadline = Date.now() + 20_000;
      let feed = '';
      while (feed !== 'live' && Date.now() < deadline) {
        feed = ((await (await fetch(`${server.url}/readyz`)).json()) as { changeFeed: string })
          .changeFeed;
        if (feed !== 'live') await new Promise((r) => setTimeout(r, 200));
      }
      expect(feed).toBe('live');
    }
  });

  it('serves through every connection of the app being terminated (pg_terminate_backend) under load', async () => {
    const during = load();
    await new Promise((r) => setTimeout(r, 700));
    const killed = await sqlRows<{ n: number }>(
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = '${DATABASE}' and pid <> pg_backend_pid()`,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const outcomes = await during.stop();
    const recovery = await secondsUntilServing();
    console.log(
      `terminate: ${killed[0]?.n} connections ended; ${outcomes.length} requests, ${outcomes.filter((o) => o.status === 503).length} answered 503; serving again after ${recovery.toFixed(1)} s`,
    );
    expect(killed[0]?.n).toBeGreaterThan(5);
    expectAllRunning();
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 503)).toEqual([]);
    for (const o of outcomes.filter((x) => x.status === 503)) {
      expect(o.code).toBe('SERVICE_UNAVAILABLE');
    }
    expect(recovery).toBeLessThan(20);
    // No booking overlaps another, whatever was cut off half-way.
    const [row] = await sqlRows<{ n: number }>(OVERLAPS_SQL);
    expect(row?.n).toBe(0);
  });

  it('stops each instance cleanly afterwards', async () => {
    for (const server of servers) {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  });
});
