/**
 * The benchmark: the real server (a child process running dist/src/main.js) on a fresh
 * embedded PostgreSQL, a realistic tenant plus further tenants of the same shape, and load
 * from autocannon on loopback. Every figure is compared with a baseline measured in the same
 * run at the same concurrency, so the budgets hold on a noisy machine. See docs/PERFORMANCE.md.
 */
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { Resource } from '../src/catalog/resource.entity.js';
import { Service } from '../src/catalog/service.entity.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { createOrmConfig } from '../src/db/orm-config.js';
import { TENANT_FILTER } from '../src/db/tenant-filter.js';
import { computeSlots } from '../src/scheduling/slot-engine.js';
import { loadSlotQuery } from '../src/scheduling/slots.service.js';
import { PROJECT_ROOT } from '../src/shared/paths.js';
import { Tenant } from '../src/tenancy/tenant.entity.js';
import { load } from './load.js';

export interface BenchOptions {
  /** Tenants besides the main one (50 in the real run). */
  extraTenants: number;
  /** Bookings over the next 31 days per tenant (400). */
  bookingsPerTenant: number;
  /** Bookings in the export tenant (10 000). */
  exportBookings: number;
  /** Bookings made at once on a server that emails, two notifications each (100). */
  drainBookings: number;
  /** Seconds per load test (5). */
  seconds: number;
  connections: number;
  /** Where the JSON goes. */
  out: string;
  log?: (line: string) => void;
}

export const FULL: Omit<BenchOptions, 'out'> = {
  extraTenants: 50,
  bookingsPerTenant: 400,
  exportBookings: 10_000,
  drainBookings: 100,
  seconds: 5,
  connections: 10,
};

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: string;
  ratio?: number;
  /** The lowest and highest ratio of the rounds whose median `ratio` is. */
  spread?: [number, number];
  budget?: string;
  ok?: boolean;
}

export interface BenchResult {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; postgres: string };
  options: Omit<BenchOptions, 'out' | 'log'>;
  startedAt: string;
  durationSeconds: number;
  figures: Figure[];
  budgetsMissed: string[];
}

const PLATFORM_TOKEN = 'bench-platform-token-0123456789abcdef';
/** Businesses with a pool of 5 and a requirement of 3 that pooled createBooking spreads over. */
const POOLED_TENANTS = 10;
const MINUTE = 60_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** Linux's clock ticks per second, in which /proc/<pid>/stat counts CPU time. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces), from 3 on. */
async function statFields(pid: number): Promise<number[]> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
}

/**
 * CPU time of a live process so far, in ms: the sum over its threads of the nanoseconds
 * /proc/<pid>/task/<tid>/schedstat counts. /proc/<pid>/stat counts in clock ticks (10 ms),
 * which a short run can leave at 0 for a process that did work. Falls back to the ticks
 * where schedstat is not there.
 */
async function processCpuMs(pid: number): Promise<number> {
  try {
    let ns = 0;
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      try {
        ns += Number((await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).split(' ')[0]);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return ns / 1e6;
  } catch {
    const f = await statFields(pid);
    return (((f[11] ?? 0) + (f[12] ?? 0)) * 1000) / CLOCK_TICKS_PER_SECOND;
  }
}

/** CPU time of a process's children that have exited and been reaped, in ms (ticks only). */
async function reapedChildrenCpuMs(pid: number): Promise<number> {
  const f = await statFields(pid);
  return (((f[13] ?? 0) + (f[14] ?? 0)) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU time of the whole PostgreSQL cluster so far, in ms: the postmaster with the backends
 * that have exited, and the backends alive now.
 */
export async function postgresCpuMs(pgDataDir: string): Promise<number> {
  const postmaster = Number(
    (await readFile(path.join(pgDataDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  let total = await processCpuMs(postmaster);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = (await statFields(Number(entry)))[1];
      if (parent === postmaster) total += await processCpuMs(Number(entry));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  // Read after the live ones: a backend that ends meanwhile is counted here, not lost.
  return total + (await reapedChildrenCpuMs(postmaster));
}

/**
 * PostgreSQL's CPU between two readings. A backend that ends while a reading walks /proc can
 * be counted twice in it (alive, then again in the postmaster's reaped time), which can make
 * a short round's difference negative: such a round counts as none.
 */
const pgCpuSince = (now: number, before: number) => Math.max(0, now - before);

/** A local date (UTC) `days` from today. */
export const dayFromNow = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The booking runs' document (the one test/api/bookings.test.ts pins the statements of). */
const CREATE_BOOKING =
  'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } userErrors { code } } }';

async function gql<T>(
  url: string,
  query: string,
  variables: object = {},
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data)
    throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export interface SeededTenant {
  id: string;
  slug: string;
  token: string;
  resourceId: string;
  short: string;
  long: string;
  group: string;
}

/** A tenant in UTC: Mon-Sat 09:00-17:00, a 30- and a 60-minute service on one resource, a class of 8. */
export async function seedTenant(url: string, slug: string): Promise<SeededTenant> {
  const password = 'bench-password-long-enough';
  const created = await gql<{ createTenant: { tenant: { id: string } } }>(
    url,
    'mutation ($i: CreateTenantInput!) { createTenant(input: $i) { tenant { id } userErrors { message } } }',
    {
      i: {
        slug,
        name: `Bench ${slug}`,
        timeZone: 'UTC',
        email: `${slug}@bench.example`,
        adminEmail: `admin@${slug}.example`,
        adminPassword: password,
      },
    },
    { authorization: `Bearer ${PLATFORM_TOKEN}` },
  );
  const login = await gql<{ login: { session: { token: string } } }>(
    url,
    'mutation ($e: EmailAddress!, $p: String!) { login(email: $e, password: $p) { session { token } } }',
    { e: `admin@${slug}.example`, p: password },
    { 'x-tenant': slug },
  );
  const h = { 'x-tenant': slug, authorization: `Bearer ${login.login.session.token}` };
  await gql(
    url,
    'mutation { updateTenant(input: { minimumNoticeMinutes: 0, maxAdvanceDays: 365 }) { userErrors { message } } }',
    {},
    h,
  );
  const weekly = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'].map(
    (weekday) => ({ weekday, startTime: '09:00', endTime: '17:00' }),
  );
  const res = await gql<{ setWeeklyWindows: { resource: { id: string } } }>(
    url,
    'mutation ($w: [WeeklyWindowInput!]!) { setWeeklyWindows(windows: $w) { resource { id } } }',
    { w: weekly },
    h,
  );
  const service = async (input: object) =>
    (
      await gql<{ createService: { service: { id: string } } }>(
        url,
        'mutation ($i: ServiceInput!) { createService(input: $i) { service { id } } }',
        { i: input },
        h,
      )
    ).createService.service.id;
  return {
    id: created.createTenant.tenant.id,
    slug,
    token: login.login.session.token,
    resourceId: res.setWeeklyWindows.resource.id,
    short: await service({ name: 'Consultation', durationMinutes: 30 }),
    long: await service({ name: 'Treatment', durationMinutes: 60 }),
    group: await service({ name: 'Class', durationMinutes: 60, capacity: 8 }),
  };
}

/**
 * `count` bookings and 10 blackouts over the next `days` days, written directly (the realistic
 * state to measure against, not a test of booking), on the whole hours of open days, the
 * half-hours left free for new bookings. A month has 208 such hours; when `count` needs more,
 * the first hours hold sessions of the class of 8, full (so 400 bookings are 28 full class
 * sessions and 180 single appointments).
 */
export async function seedBookings(
  db: pg.Client,
  t: SeededTenant,
  count: number,
  days = 31,
): Promise<void> {
  await db.query(
    `with hours as (
       select row_number() over (order by s) as n, s
         from generate_series(date_trunc('day', now()) + interval '1 day', date_trunc('day', now()) + make_interval(days => $6::int), interval '1 hour') s
        where extract(isodow from s) between 1 and 6 and extract(hour from s) between 9 and 16),
     classes as (select greatest(0, ceil(($5::int - (select count(*) from hours)) / 7.0))::int as k),
     seats as (
       select h.n, h.s, seat, h.n <= c.k as in_class, md5($1::text || h.n)::uuid as session
         from hours h cross join classes c
        cross join lateral generate_series(1, case when h.n <= c.k then 8 else 1 end) seat)
     insert into booking (id, created_at, updated_at, tenant_id, reference, service_id, resource_id, starts_at, ends_at,
       occupied_start, occupied_end, session_key, status, seats, customer_name, customer_email, notes)
     select gen_random_uuid(), now(), now(), $1::uuid, upper(substr(md5(random()::text), 1, 4) || '-' || substr(md5(random()::text), 1, 4)),
            case when in_class then $3::uuid else $2::uuid end, $4::uuid, s, s + d, s, s + d,
            case when in_class then session else gen_random_uuid() end, 'CONFIRMED', 1,
            'Customer ' || k, 'customer' || k || '@bench.example', case when k % 5 = 0 then 'Notes, "quoted"' end
       from (select row_number() over (order by n, seat) as k, s, in_class, session,
                    case when in_class then interval '60 minutes' else interval '30 minutes' end as d
               from seats) g
      where k <= $5::int`,
    [t.id, t.short, t.group, t.resourceId, count, days],
  );
  for (let i = 0; i < 10; i++) {
    const day = dayFromNow(2 + i * 3);
    await db.query(
      `insert into blackout (id, created_at, updated_at, tenant_id, resource_id, starts_at, ends_at, reason)
       values (gen_random_uuid(), now(), now(), $1, $2, $3, $4, 'Bench blackout')`,
      [t.id, i % 2 ? t.resourceId : null, `${day}T12:00:00Z`, `${day}T12:30:00Z`],
    );
  }
}

/**
 * A tenant seeded like the others, plus 4 more staff and 3 rooms with the same hours, and a
 * 30-minute service whose pool is the 5 staff and which needs one of the 3 rooms.
 */
export async function seedPooledTenant(url: string, slug: string) {
  const t = await seedTenant(url, slug);
  const h = { 'x-tenant': slug, authorization: `Bearer ${t.token}` };
  const weekly = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'].map(
    (weekday) => ({ weekday, startTime: '09:00', endTime: '17:00' }),
  );
  const resource = async (name: string) => {
    const made = await gql<{ createResource: { resource: { id: string } } }>(
      url,
      'mutation ($n: String!) { createResource(name: $n) { resource { id } } }',
      { n: name },
      h,
    );
    const id = made.createResource.resource.id;
    await gql(
      url,
      'mutation ($r: ID!, $w: [WeeklyWindowInput!]!) { setWeeklyWindows(resourceId: $r, windows: $w) { userErrors { message } } }',
      { r: id, w: weekly },
      h,
    );
    return id;
  };
  const staff = [t.resourceId];
  for (let i = 2; i <= 5; i++) staff.push(await resource(`Staff ${i}`));
  const rooms = [];
  for (let i = 1; i <= 3; i++) rooms.push(await resource(`Room ${i}`));
  const created = await gql<{ createService: { service: { id: string } } }>(
    url,
    'mutation ($i: ServiceInput!) { createService(input: $i) { service { id } userErrors { message } } }',
    {
      i: {
        name: 'Pooled treatment',
        durationMinutes: 30,
        resourceIds: staff,
        requirements: [{ label: 'Room', resourceIds: rooms }],
      },
    },
    h,
  );
  return { ...t, pooled: created.createService.service.id };
}

/**
 * The real server in a child process, in production mode on `databaseUrl`. Email is recorded
 * (SKIPPED) but not sent, and rate limits are off: the bench measures the API, not an SMTP
 * server or its own refusals. BENCH_NODE_ARGS passes flags to it, e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof".
 */
export async function startServer(
  databaseUrl: string,
  port: number,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  // The server runs as `npm start` runs it (the file itself, with the V8 flags of its first
  // line), plus any flags given for profiling.
  const child = spawn(path.join(PROJECT_ROOT, 'dist/src/main.js'), [], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: process.env.BENCH_NODE_ARGS ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PLATFORM_ADMIN_TOKEN: PLATFORM_TOKEN,
      SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
      EMAIL_ENABLED: 'false',
      SMTP_HOST: '127.0.0.1',
      RATE_LIMITS: 'false',
      // The webhook figure's receiver runs on this machine.
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      // For trials of the process's settings, e.g. BENCH_SERVER_ENV="MALLOC_ARENA_MAX=4".
      ...serverEnvOf(process.env.BENCH_SERVER_ENV),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('GraphQL API:')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  return child;
}

/** `NAME=value NAME=value` (BENCH_SERVER_ENV) as an environment. */
export function serverEnvOf(text: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of (text ?? '').split(/\s+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`BENCH_SERVER_ENV: "${pair}" is not NAME=value`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

export async function stopServer(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'booking-bench-'));
  // As root, the embedded server runs as a `postgres` user, which must be able to enter it.
  await chmod(dataDir, 0o755);
  const pgPort = await freePort();
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: pgPort });
  await embedded.createDatabase('bench');
  const databaseUrl = embedded.url('bench');
  const port = await freePort();
  let server: ChildProcess | null = null;
  let uncachedServer: ChildProcess | null = null;
  let db: pg.Client | null = null;
  const figures: Figure[] = [];
  const figure = (f: Figure) => {
    figures.push(f);
    log(
      `  ${f.name}: ${f.value.toFixed(f.unit === 'ms' ? 2 : 1)} ${f.unit}${f.ratio !== undefined ? ` (${ratioText(f)})` : ''}`,
    );
  };
  try {
    log('starting the server');
    server = await startServer(databaseUrl, port);
    const url = `http://127.0.0.1:${port}`;
    const pid = server.pid ?? 0;

    log(
      `seeding 1 + ${options.extraTenants} tenants, ${options.bookingsPerTenant} bookings each, and ${options.exportBookings} to export`,
    );
    db = new pg.Client({ connectionString: databaseUrl });
    db.on('error', () => {});
    await db.connect();
    const main = await seedTenant(url, 'main');
    await seedBookings(db, main, options.bookingsPerTenant);
    const others: SeededTenant[] = [];
    for (let i = 0; i < options.extraTenants; i++) {
      const t = await seedTenant(url, `tenant-${i}`);
      await seedBookings(db, t, options.bookingsPerTenant);
      others.push(t);
    }
    const pooledTenant = await seedPooledTenant(url, 'pooled');
    await seedBookings(db, pooledTenant, options.bookingsPerTenant);
    // More businesses with the same pool, so that bookings spread over them as the
    // one-resource ones spread over the tenants (each booking locks its whole pool).
    const pooledTenants = [pooledTenant];
    for (let i = 1; i < POOLED_TENANTS; i++)
      pooledTenants.push(await seedPooledTenant(url, `pooled-${i}`));
    const exporter = await seedTenant(url, 'exporter');
    await seedBookings(db, exporter, options.exportBookings, 3650);
    await db.query('analyze');
    const from = dayFromNow(1);
    const to = dayFromNow(31);
    const idleRss = await rssMb(pid);

    const connections = options.connections;
    const duration = options.seconds;
    const post = (body: object, headers: Record<string, string> = {}) => ({
      url,
      connections,
      seconds: duration,
      request: () => ({
        path: '/graphql',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    });

    // Warm-up: compile the hot paths before anything is measured.
    await load({ ...post({ query: '{ __typename }' }), seconds: 1 });
    await load({
      ...post(
        {
          query:
            'query ($s: ID!, $f: LocalDate!, $t: LocalDate!) { slots(serviceId: $s, from: $f, to: $t) { startsAt } }',
          variables: { s: main.short, f: from, t: to },
        },
        { 'x-tenant': 'main' },
      ),
      seconds: 1,
    });

    const slotsQuery =
      'query ($s: ID!, $f: LocalDate!, $t: LocalDate!) { slots(serviceId: $s, from: $f, to: $t) { startsAt endsAt remainingCapacity } }';
    log('measuring');
    const baseline = await load(post({ query: '{ __typename }' }));
    figure({ name: 'baseline { __typename } p50', value: baseline.p50, unit: 'ms' });
    figure({ name: 'baseline { __typename } p99', value: baseline.p99, unit: 'ms' });
    figure({ name: 'baseline { __typename } throughput', value: baseline.rps, unit: 'req/s' });

    const slots = await load(
      post(
        {
          query: slotsQuery,
          variables: { s: main.short, f: from, t: to },
        },
        { 'x-tenant': 'main' },
      ),
    );
    if (slots.non2xx || slots.errors)
      throw new Error(`slots: ${slots.non2xx} non-2xx, ${slots.errors} errors`);
    figure({
      name: 'slots 31 days p50',
      value: slots.p50,
      unit: 'ms',
      baseline: 'baseline p50',
      ratio: slots.p50 / Math.max(baseline.p50, 0.01),
      budget: '<= 4x',
      ok: slots.p50 <= 4 * baseline.p50,
    });
    figure({ name: 'slots 31 days p99', value: slots.p99, unit: 'ms' });
    figure({ name: 'slots 31 days throughput', value: slots.rps, unit: 'req/s' });

    // The same without the response cache (a second server on the same database, the cache
    // off): what every first ask after a change costs.
    const uncachedPort = await freePort();
    uncachedServer = await startServer(databaseUrl, uncachedPort, { RESPONSE_CACHE_MB: '0' });
    const uncachedLoad = {
      ...post(
        { query: slotsQuery, variables: { s: main.short, f: from, t: to } },
        { 'x-tenant': 'main' },
      ),
      url: `http://127.0.0.1:${uncachedPort}`,
    };
    await load({ ...uncachedLoad, seconds: 1 });
    const uncachedSlots = await load(uncachedLoad);
    // A pool of 5 with a requirement of 3, against the one resource, in alternating rounds.
    const pooledLoad = {
      ...uncachedLoad,
      ...post(
        { query: slotsQuery, variables: { s: pooledTenant.pooled, f: from, t: to } },
        { 'x-tenant': 'pooled' },
      ),
      url: `http://127.0.0.1:${uncachedPort}`,
    };
    await load({ ...pooledLoad, seconds: 1 });
    const singleRounds: number[] = [];
    const pooledRounds: number[] = [];
    for (let r = 0; r < 5; r++) {
      singleRounds.push((await load({ ...uncachedLoad, seconds: duration / 5 })).p50);
      const pooled = await load({ ...pooledLoad, seconds: duration / 5 });
      if (pooled.non2xx || pooled.errors) throw new Error(`pooled slots: ${pooled.non2xx} non-2xx`);
      pooledRounds.push(pooled.p50);
    }
    await stopServer(uncachedServer);
    if (uncachedSlots.non2xx || uncachedSlots.errors)
      throw new Error(
        `slots uncached: ${uncachedSlots.non2xx} non-2xx, ${uncachedSlots.errors} errors`,
      );
    figure({
      name: 'slots 31 days p50, response cache off',
      value: uncachedSlots.p50,
      unit: 'ms',
      baseline: 'baseline p50',
      ratio: uncachedSlots.p50 / Math.max(baseline.p50, 0.01),
    });
    figure({
      name: 'slots 31 days throughput, response cache off',
      value: uncachedSlots.rps,
      unit: 'req/s',
    });
    const pooledRatios = pooledRounds.map((p, i) => p / Math.max(singleRounds[i] ?? p, 0.01));
    const pooledRatio = median(pooledRatios);
    figure({
      name: 'slots 31 days p50, a pool of 5 with a requirement of 3, response cache off',
      value: median(pooledRounds),
      unit: 'ms',
      baseline: 'one-resource slots, cache off, median of 5 alternating rounds',
      ratio: pooledRatio,
      spread: [Math.min(...pooledRatios), Math.max(...pooledRatios)],
      budget: '<= 3x',
      ok: pooledRatio <= 3,
    });

    // The engine alone, on the same inputs.
    const orm = await MikroORM.init(createOrmConfig({ clientUrl: databaseUrl, poolMax: 2 }));
    const em = orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { tenantId: main.id });
    const tenant = await em.findOneOrFail(Tenant, { id: main.id });
    const service = await em.findOneOrFail(Service, { id: main.short });
    const resource = await em.findOneOrFail(Resource, { id: main.resourceId });
    const query = await loadSlotQuery(em, tenant, service, resource, { from, to, now: Date.now() });
    await orm.close(true);
    let produced = 0;
    for (let i = 0; i < 200; i++) produced = computeSlots(query).length;
    const runs: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      computeSlots(query);
      runs.push(performance.now() - t0);
    }
    runs.sort((a, b) => a - b);
    const engineMs = runs[Math.floor(runs.length / 2)] ?? 0;
    figure({
      name: `slot engine alone, 31 days (${produced} slots, ${query.busy.length} bookings), median`,
      value: engineMs,
      unit: 'ms',
      budget: '< 1 ms',
      ok: engineMs < 1,
    });

    // createBooking with no contention: distinct free half-hours across every tenant (the
    // hours of full class sessions, the same in every tenant, are taken whole).
    const classHours = new Set(
      (
        await db.query<{ s: string }>(
          `select distinct to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24') as s
             from booking where tenant_id = $1 and service_id = $2`,
          [main.id, main.group],
        )
      ).rows.map((r) => r.s),
    );
    const free: Array<{ slug: string; serviceId: string; startsAt: string }> = [];
    for (const t of [main, ...others]) {
      for (let d = 1; d <= 31; d++) {
        const day = new Date(`${dayFromNow(d)}T00:00:00Z`);
        if (day.getUTCDay() === 0) continue;
        for (let h = 9; h < 17; h++)
          if (!classHours.has(`${dayFromNow(d)}T${String(h).padStart(2, '0')}`))
            free.push({
              slug: t.slug,
              serviceId: t.short,
              startsAt: `${dayFromNow(d)}T${String(h).padStart(2, '0')}:30:00Z`,
            });
      }
    }
    // Spread consecutive requests over tenants so they do not queue on one resource lock.
    free.sort((a, b) =>
      a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : a.slug < b.slug ? -1 : 1,
    );
    // One slot kept back for the same-slot storm.
    const stormSlot = free.pop() as (typeof free)[number];
    const bookingBody = (slot: (typeof free)[number], i: number) =>
      JSON.stringify({
        query: CREATE_BOOKING,
        variables: {
          i: {
            serviceId: slot.serviceId,
            startsAt: slot.startsAt,
            customer: { name: `Bench ${i}`, email: `b${i}@bench.example` },
          },
        },
      });
    const half = Math.floor(free.length / 2);
    const pgDataDir = path.join(dataDir, 'pg');
    const counter = db;
    const madeSoFar = async () =>
      Number(
        (
          await counter.query(
            "select count(*)::int as n from booking where customer_email like 'b%@bench.example'",
          )
        ).rows[0]?.n ?? 0,
      );

    // One round of createBooking: bookings made, their p50, and the CPU of the server and of
    // PostgreSQL (from /proc: what the ratio is made of).
    let next = 0;
    const createRound = async (seconds: number) => {
      const made = await madeSoFar();
      const [serverCpu, pgCpu] = [await processCpuMs(pid), await postgresCpuMs(pgDataDir)];
      const result = await load({
        url,
        connections,
        seconds,
        request: () => {
          const i = next++ % half;
          const slot = free[i] as (typeof free)[number];
          return {
            path: '/graphql',
            headers: { 'content-type': 'application/json', 'x-tenant': slot.slug },
            body: bookingBody(slot, i),
          };
        },
      });
      return {
        serverCpu: (await processCpuMs(pid)) - serverCpu,
        pgCpu: pgCpuSince(await postgresCpuMs(pgDataDir), pgCpu),
        done: (await madeSoFar()) - made,
        p50: result.p50,
      };
    };

    // The raw-SQL baseline: the same statements createBooking runs (the service with its
    // resource, lock, overrides, blackouts, bookings, the booking, its two notifications and
    // its audit row, commit; the tenant comes from the server's cache, which bookings leave
    // valid), with pg directly, at the same concurrency, on the other half. test/api/
    // bookings.test.ts checks that createBooking runs these statements and no others.
    const rawPool = new pg.Pool({ connectionString: databaseUrl, max: connections });
    rawPool.on('error', () => {});
    rawPool.on('connect', (client) => client.on('error', () => {}));
    const tenantsBySlug = new Map([main, ...others].map((t) => [t.slug, t]));
    let rawNext = half;
    const rawRound = async (seconds: number) => {
      let done = 0;
      const until = Date.now() + seconds * 1000;
      const clientCpu = process.cpuUsage();
      const pgCpu = await postgresCpuMs(pgDataDir);
      const worker = async () => {
        while (Date.now() < until) {
          const slot = free[rawNext++ % free.length] as (typeof free)[number];
          const t = tenantsBySlug.get(slot.slug) as SeededTenant;
          const c = await rawPool.connect();
          try {
            await c.query(
              `select s.id, s.name, s.duration_minutes, coalesce(s.slot_interval_minutes, s.duration_minutes),
                    s.buffer_before_minutes, s.buffer_after_minutes, s.capacity, s.requires_confirmation,
                    s.minimum_notice_minutes, s.max_advance_days, s.assignment,
                    (select coalesce(max(x.requirement), 0) from service_resource x where x.service_id = s.id),
                    sr.requirement, sr.label, r.id, r.weekly_pattern
               from service s join service_resource sr on sr.service_id = s.id
               join resource r on r.id = sr.resource_id
              where s.tenant_id = $1 and s.id = $2 and s.active and r.active
              order by sr.requirement, sr.position`,
              [t.id, slot.serviceId],
            );
            await c.query('begin');
            await c.query(
              'select id, weekly_pattern, active from resource where tenant_id = $1 and id = any($2::uuid[]) order by id for update',
              [t.id, [t.resourceId]],
            );
            const start = new Date(slot.startsAt);
            // The check reads the windows of the start's date and the day before, and what is
            // booked or blocked from the start of that day to the end of the day after.
            const date = slot.startsAt.slice(0, 10);
            const dayBefore = new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000);
            const spanEnd = new Date(dayBefore.getTime() + 3 * 86_400_000);
            await c.query(
              'select * from date_override where tenant_id = $1 and resource_id = any($2::uuid[]) and date >= $3 and date <= $4',
              [t.id, [t.resourceId], dayBefore.toISOString().slice(0, 10), date],
            );
            await c.query(
              'select * from blackout where tenant_id = $1 and (resource_id = any($2::uuid[]) or resource_id is null) and starts_at < $3 and ends_at > $4',
              [t.id, [t.resourceId], spanEnd, dayBefore],
            );
            await c.query(
              'select o.resource_id, o.occupied_start, o.occupied_end, b.starts_at, b.seats, b.service_id from booking_resource o join booking b on b.id = o.booking_id where o.tenant_id = $1 and o.resource_id = any($2::uuid[]) and o.active and o.occupied_start < $3 and o.occupied_end > $4',
              [t.id, [t.resourceId], spanEnd, dayBefore],
            );
            const id = randomUUID();
            await c.query(
              `insert into booking (id, created_at, updated_at, tenant_id, reference, service_id, resource_id, starts_at, ends_at, occupied_start, occupied_end,
               session_key, status, seats, customer_name, customer_email, manage_token_hash, sequence)
             values ($1, now(), now(), $2, $3, $4, $5, $6, $7, $6, $7, $1, 'CONFIRMED', 1, 'Raw', 'raw@bench.example', $8, 0)`,
              [
                id,
                t.id,
                id.slice(0, 9).toUpperCase(),
                slot.serviceId,
                t.resourceId,
                start,
                new Date(start.getTime() + 30 * MINUTE),
                randomUUID().replace(/-/g, '').padEnd(64, '0'),
              ],
            );
            await c.query(
              `insert into notification (id, created_at, updated_at, tenant_id, booking_id, kind, recipient, status, attempts, payload)
             values ($1, now(), now(), $3, $4, 'booking.created.customer', 'raw@bench.example', 'SKIPPED', 0, '{}'),
                    ($2, now(), now(), $3, $4, 'booking.created.business', 'owner@bench.example', 'SKIPPED', 0, '{}')`,
              [randomUUID(), randomUUID(), t.id, id],
            );
            await c.query(
              `insert into audit_event (id, created_at, updated_at, tenant_id, actor_kind, actor_id, actor_label, action, entity_type, entity_id, changes)
             values ($1, now(), now(), $2, 'SYSTEM', null, 'system', 'booking.created', 'booking', $3, $4)`,
              [randomUUID(), t.id, id, JSON.stringify({ startsAt: slot.startsAt })],
            );
            await c.query(
              `insert into booking_event (id, created_at, updated_at, tenant_id, booking_id, service_id, type, actor_kind, resource_ids, data, sequence)
             values ($1, now(), now(), $2, $3, $4, 'CREATED', 'CUSTOMER', $5, $6,
               (select coalesce(max(sequence), 0) + 1 from booking_event where booking_id = $3)) returning sequence`,
              [randomUUID(), t.id, id, slot.serviceId, JSON.stringify([t.resourceId]), '{}'],
            );
            await c.query(
              `insert into webhook_delivery (id, created_at, updated_at, tenant_id, endpoint_id, message_id, event_id, booking_id, type, body, next_attempt_at)
             select gen_random_uuid(), now(), now(), tenant_id, id, $2, $2, $3, 'booking.created', '{}'::jsonb, now()
             from webhook_endpoint where tenant_id = $1 and events @> '["CREATED"]'::jsonb
               and (service_ids = '[]'::jsonb or service_ids @> $4::jsonb)
             for key share
             returning endpoint_id`,
              [t.id, randomUUID(), id, JSON.stringify([slot.serviceId])],
            );
            await c.query(
              `insert into notification (id, created_at, updated_at, tenant_id, booking_id, kind, recipient, status, attempts, payload, send_at, last_error)
             select gen_random_uuid(), now(), now(), b.tenant_id, b.id, 'reminder.' || lower(r.recipient::text), x.email,
               (case when b.starts_at - make_interval(mins => r.offset_minutes) <= now() then 'SKIPPED' else 'SCHEDULED' end)::notification_status,
               0, jsonb_build_object('serviceName', s.name), b.starts_at - make_interval(mins => r.offset_minutes), null
             from booking b
             join reminder_rule r on r.tenant_id = b.tenant_id and r.active
               and (r.service_ids = '[]'::jsonb or r.service_ids @> jsonb_build_array(b.service_id::text))
             join service s on s.id = b.service_id
             join tenant t on t.id = b.tenant_id
             join lateral (
               select b.customer_email as email where r.recipient = 'CUSTOMER'
               union all select t.email where r.recipient = 'BUSINESS'
               union all select u.email from user_resource ur join app_user u on u.id = ur.user_id
                 where r.recipient = 'STAFF' and u.active and ur.resource_id = b.resource_id
             ) x on true
             where b.tenant_id = $1 and b.status = 'CONFIRMED' and b.id = any($2::uuid[])`,
              [t.id, [id]],
            );
            await c.query('commit');
            done++;
          } catch (err) {
            await c.query('rollback').catch(() => {});
            if (!(err instanceof Error && /booking_resource_no_overlap/.test(err.message)))
              throw err;
          } finally {
            c.release();
          }
        }
      };
      await Promise.all(Array.from({ length: connections }, worker));
      const used = process.cpuUsage(clientCpu);
      return {
        clientCpu: (used.user + used.system) / 1000,
        // Read while the pool's backends are alive: an exited backend's time only shows in
        // the postmaster's reaped-children ticks, which a short run can leave at 0.
        pgCpu: pgCpuSince(await postgresCpuMs(pgDataDir), pgCpu),
        done,
      };
    };

    // createBooking into the pool: each start of the month taken up to 3 times (3 rooms),
    // consecutive requests on different starts.
    const pooledStarts: string[] = [];
    for (let d = 1; d <= 31; d++) {
      const day = new Date(`${dayFromNow(d)}T00:00:00Z`);
      if (day.getUTCDay() === 0) continue;
      for (let m = 9 * 60; m < 17 * 60; m += 30) {
        const hh = String(Math.floor(m / 60)).padStart(2, '0');
        pooledStarts.push(`${dayFromNow(d)}T${hh}:${m % 60 ? '30' : '00'}:00Z`);
      }
    }
    let pooledNext = 0;
    const pooledMade = async () =>
      Number(
        (
          await counter.query('select count(*)::int as n from booking where service_id = any($1)', [
            pooledTenants.map((p) => p.pooled),
          ])
        ).rows[0]?.n ?? 0,
      );
    const pooledRound = async (seconds: number) => {
      const made = await pooledMade();
      await load({
        url,
        connections,
        seconds,
        request: () => {
          const i = pooledNext++;
          const tenant = pooledTenants[i % pooledTenants.length] as typeof pooledTenant;
          const start = Math.floor(i / pooledTenants.length);
          return {
            path: '/graphql',
            headers: { 'content-type': 'application/json', 'x-tenant': tenant.slug },
            body: JSON.stringify({
              query: CREATE_BOOKING,
              variables: {
                i: {
                  serviceId: tenant.pooled,
                  startsAt: pooledStarts[start % pooledStarts.length],
                  customer: { name: `Pooled ${i}`, email: `p${i}@bench.example` },
                },
              },
            }),
          };
        },
      });
      return { done: (await pooledMade()) - made };
    };

    // Alternating rounds (createBooking, raw, createBooking, raw...): the ratio of each
    // round's pair, so that what else the machine does moves both sides alike.
    const rounds = 5;
    // A warm-up pair first, not counted: the pool's connections, the server's first requests.
    await createRound(duration / rounds);
    await rawRound(duration / rounds);
    await pooledRound(duration / rounds);
    const creates: Awaited<ReturnType<typeof createRound>>[] = [];
    const raws: Awaited<ReturnType<typeof rawRound>>[] = [];
    const pooledCreates: Awaited<ReturnType<typeof pooledRound>>[] = [];
    for (let r = 0; r < rounds; r++) {
      creates.push(await createRound(duration / rounds));
      raws.push(await rawRound(duration / rounds));
      pooledCreates.push(await pooledRound(duration / rounds));
    }
    await rawPool.end();
    const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);
    const made = sum(creates, (c) => c.done);
    const rawDone = sum(raws, (r) => r.done);
    const ratios = creates.map((c, i) => c.done / Math.max(raws[i]?.done ?? 0, 1));
    const createRatio = median(ratios);
    const perBooking = (cpu: number, n: number) => cpu / Math.max(n, 1);
    figure({
      name: 'raw-SQL booking baseline throughput',
      value: rawDone / duration,
      unit: 'req/s',
    });
    figure({
      name: 'createBooking throughput (no contention)',
      value: made / duration,
      unit: 'req/s',
      baseline: `raw SQL, median of ${rounds} alternating rounds`,
      ratio: createRatio,
      spread: [Math.min(...ratios), Math.max(...ratios)],
      budget: '>= 0.5x',
      ok: createRatio >= 0.5,
    });
    const poolRatios = pooledCreates.map((p, i) => p.done / Math.max(creates[i]?.done ?? 0, 1));
    const poolRatio = median(poolRatios);
    figure({
      name: 'createBooking throughput, a pool of 5 with a requirement of 3',
      value: sum(pooledCreates, (p) => p.done) / duration,
      unit: 'req/s',
      baseline: `one-resource createBooking, median of ${rounds} alternating rounds`,
      ratio: poolRatio,
      spread: [Math.min(...poolRatios), Math.max(...poolRatios)],
      budget: '>= 0.6x',
      ok: poolRatio >= 0.6,
    });
    figure({
      name: 'createBooking p50 (no contention), median of rounds',
      value: median(creates.map((c) => c.p50)),
      unit: 'ms',
    });
    figure({
      name: 'CPU per booking: the server',
      value: perBooking(
        sum(creates, (c) => c.serverCpu),
        made,
      ),
      unit: 'ms',
    });
    figure({
      name: 'CPU per booking: PostgreSQL, createBooking',
      value: perBooking(
        sum(creates, (c) => c.pgCpu),
        made,
      ),
      unit: 'ms',
    });
    figure({
      name: "CPU per booking: the raw-SQL baseline's pg client",
      value: perBooking(
        sum(raws, (r) => r.clientCpu),
        rawDone,
      ),
      unit: 'ms',
    });
    figure({
      name: 'CPU per booking: PostgreSQL, raw SQL',
      value: perBooking(
        sum(raws, (r) => r.pgCpu),
        rawDone,
      ),
      unit: 'ms',
    });

    // The same-slot storm: everyone wants one slot; the losers' latency.
    const stormLatencies: number[] = [];
    let stormWinners = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const t0 = performance.now();
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-tenant': stormSlot.slug },
          body: bookingBody(stormSlot, 900_000 + i),
        });
        const body = (await res.json()) as { data?: { createBooking: { booking: unknown } } };
        if (body.data?.createBooking.booking) stormWinners++;
        else stormLatencies.push(performance.now() - t0);
      }),
    );
    stormLatencies.sort((a, b) => a - b);
    if (stormWinners !== 1) throw new Error(`same-slot storm: ${stormWinners} winners`);
    figure({
      name: 'same-slot storm (50), losers p50',
      value: stormLatencies[Math.floor(stormLatencies.length / 2)] ?? 0,
      unit: 'ms',
    });
    figure({
      name: 'same-slot storm (50), losers p99',
      value: stormLatencies[Math.floor(stormLatencies.length * 0.99)] ?? 0,
      unit: 'ms',
    });

    // The admin listing: 100 bookings with their service and resource.
    const listing = await load(
      post(
        {
          query:
            '{ bookings(first: 100) { totalCount edges { node { id reference startsAt status customerName service { name } resource { name } } } } }',
        },
        { 'x-tenant': 'main', authorization: `Bearer ${main.token}` },
      ),
    );
    if (listing.non2xx || listing.errors) throw new Error(`bookings: ${listing.non2xx} non-2xx`);
    figure({
      name: 'bookings(first: 100) with service and resource p50',
      value: listing.p50,
      unit: 'ms',
      baseline: 'baseline p50',
      ratio: listing.p50 / Math.max(baseline.p50, 0.01),
      budget: '<= 4x',
      ok: listing.p50 <= 4 * baseline.p50,
    });

    // Booking events: webhook deliveries to a local receiver, and the feed's read cost.
    const hooked = await measureWebhooks(url, main, Math.min(options.bookingsPerTenant, 200));
    figure({
      name: `webhook deliveries to a local receiver, ${hooked.count} waiting when the endpoint resumes`,
      value: hooked.perSecond,
      unit: 'deliveries/s',
    });
    const adminOfMain = { 'x-tenant': 'main', authorization: `Bearer ${main.token}` };
    // A page of 100 events against a page of 100 bookings that the answer cache cannot keep
    // (each request its own `updatedSince`), in alternating rounds.
    const feedBody = {
      query:
        '{ bookingEvents(first: 100) { edges { cursor node { id type bookingId sequence occurredAt data } } pageInfo { endCursor } } }',
    };
    const listingBody = (i: number) =>
      JSON.stringify({
        query:
          'query ($since: DateTime) { bookings(first: 100, filter: { updatedSince: $since }) { totalCount edges { node { id reference startsAt status customerName service { name } resource { name } } } } }',
        variables: { since: new Date(946_684_800_000 + i).toISOString() },
      });
    const feedRounds: number[] = [];
    const listedRounds: number[] = [];
    for (let r = 0; r < 5; r++) {
      const page = await load({ ...post(feedBody, adminOfMain), seconds: duration / 5 });
      const listed = await load({
        url,
        connections,
        seconds: duration / 5,
        request: (i) => ({
          path: '/graphql',
          headers: { 'content-type': 'application/json', ...adminOfMain },
          body: listingBody(r * 1_000_000 + i),
        }),
      });
      if (page.non2xx || page.errors || listed.non2xx || listed.errors)
        throw new Error('bookingEvents or its baseline: non-2xx answers');
      feedRounds.push(page.p50);
      listedRounds.push(listed.p50);
    }
    const feedRatios = feedRounds.map((f, i) => f / Math.max(listedRounds[i] ?? f, 0.01));
    const feedRatio = median(feedRatios);
    figure({
      name: 'bookingEvents(first: 100) p50',
      value: median(feedRounds),
      unit: 'ms',
      baseline: 'bookings(first: 100) not kept by the answer cache, median of 5 alternating rounds',
      ratio: feedRatio,
      spread: [Math.min(...feedRatios), Math.max(...feedRatios)],
      budget: '<= 2x',
      ok: feedRatio <= 2,
    });
    const end = await gql<{ bookingEvents: { pageInfo: { endCursor: string } } }>(
      url,
      '{ bookingEvents(first: 500) { pageInfo { endCursor } } }',
      {},
      adminOfMain,
    );
    const feedPoll = await load(
      post(
        {
          query:
            'query ($a: String) { bookingEvents(after: $a) { edges { cursor } pageInfo { endCursor } } }',
          variables: { a: end.bookingEvents.pageInfo.endCursor },
        },
        adminOfMain,
      ),
    );
    figure({
      name: "bookingEvents after the end (a partner's poll with nothing new) p50",
      value: feedPoll.p50,
      unit: 'ms',
      baseline: 'baseline p50',
      ratio: feedPoll.p50 / Math.max(baseline.p50, 0.01),
    });

    // Exports of 10 000 bookings, the GraphQL field and the download, timed over a few runs.
    const timeIt = async (fn: () => Promise<void>) => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await fn();
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b)[1] ?? 0;
    };
    const exportHeaders = { 'x-tenant': 'exporter', authorization: `Bearer ${exporter.token}` };
    let csvRows = 0;
    const csvMs = await timeIt(async () => {
      const data = await gql<{ bookingsCsv: string }>(url, '{ bookingsCsv }', {}, exportHeaders);
      csvRows = data.bookingsCsv.split('\r\n').length - 2;
    });
    figure({ name: `bookingsCsv, ${csvRows} rows`, value: csvMs, unit: 'ms' });
    let downloadBytes = 0;
    const downloadMs = await timeIt(async () => {
      const res = await fetch(`${url}/exports/bookings.csv`, { headers: exportHeaders });
      downloadBytes = (await res.arrayBuffer()).byteLength;
    });
    figure({
      name: `GET /exports/bookings.csv, ${options.exportBookings} rows (${(downloadBytes / 1e6).toFixed(1)} MB)`,
      value: downloadMs,
      unit: 'ms',
    });

    // requestPasswordReset must not tell by its time whether an email is a user's: a known
    // and an unknown email in alternating pairs, after a warm-up pair.
    const resetMs = async (email: string) => {
      const t0 = performance.now();
      await gql(
        url,
        'mutation ($email: EmailAddress!) { requestPasswordReset(email: $email) }',
        { email },
        { 'x-tenant': 'main' },
      );
      return performance.now() - t0;
    };
    const [knownEmail, unknownEmail] = ['admin@main.example', 'nobody@main.example'];
    await resetMs(knownEmail);
    await resetMs(unknownEmail);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let r = 0; r < 9; r++) {
      known.push(await resetMs(knownEmail));
      unknown.push(await resetMs(unknownEmail));
    }
    const resetRatios = known.map((k, i) => k / Math.max(unknown[i] ?? k, 0.01));
    const resetRatio = median(resetRatios);
    figure({
      name: 'requestPasswordReset, a known email',
      value: median(known),
      unit: 'ms',
      baseline: 'an unknown email, median of 9 alternating pairs',
      ratio: resetRatio,
      spread: [Math.min(...resetRatios), Math.max(...resetRatios)],
      budget: '0.9x-1.1x',
      ok: resetRatio >= 0.9 && resetRatio <= 1.1,
    });

    figure({ name: 'server RSS at idle (after seeding)', value: idleRss, unit: 'MB' });
    const endRss = await rssMb(pid);
    figure({
      name: 'server RSS at the end',
      value: endRss,
      unit: 'MB',
      budget: '< 250 MB',
      ok: endRss < 250,
    });

    // Notification drain: the other servers stop first (they do not email, and their
    // workers would mark the jobs SKIPPED), then one that emails to a local SMTP server
    // takes a burst of bookings; measured from the first booking to the last message in.
    await stopServer(uncachedServer);
    await stopServer(server);
    const drained = await measureDrain(databaseUrl, options.drainBookings);
    figure({
      name: `notification drain, ${drained.emails} emails to a local SMTP server`,
      value: drained.perSecond,
      unit: 'emails/s',
    });

    const result: BenchResult = {
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        postgres: `embedded ${(await readFile(path.join(dataDir, 'pg', 'PG_VERSION'), 'utf8')).trim()}`,
      },
      options: {
        extraTenants: options.extraTenants,
        bookingsPerTenant: options.bookingsPerTenant,
        exportBookings: options.exportBookings,
        drainBookings: options.drainBookings,
        seconds: options.seconds,
        connections: options.connections,
      },
      startedAt: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      figures,
      budgetsMissed: figures.filter((f) => f.ok === false).map((f) => `${f.name} (${f.budget})`),
    };
    await mkdir(path.dirname(options.out), { recursive: true });
    await writeFile(options.out, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await db?.end().catch(() => {});
    await stopServer(uncachedServer);
    await stopServer(server);
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Starts a server that emails (to an SMTP server of the bench's own that only counts), makes
 * `bookings` bookings at once in a new tenant (two notifications each), and measures from
 * the first booking to the last message received.
 */
async function measureDrain(
  databaseUrl: string,
  bookings: number,
): Promise<{ emails: number; perSecond: number }> {
  let received = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // No reverse DNS for each connection: the figure is the server's, not the sink's.
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  const smtpPort = await freePort();
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  const port = await freePort();
  const emailing = await startServer(databaseUrl, port, {
    EMAIL_ENABLED: 'true',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    SMTP_TLS: 'none',
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    const tenant = await seedTenant(url, 'drain');
    const starts: string[] = [];
    for (let d = 1; starts.length < bookings; d++) {
      if (new Date(`${dayFromNow(d)}T00:00:00Z`).getUTCDay() === 0) continue;
      for (let h = 9; h < 17 && starts.length < bookings; h++)
        for (const m of ['00', '30'])
          if (starts.length < bookings)
            starts.push(`${dayFromNow(d)}T${String(h).padStart(2, '0')}:${m}:00Z`);
    }
    const emails = 2 * bookings;
    const started = performance.now();
    const made = await Promise.all(
      starts.map((startsAt, i) =>
        gql<{ createBooking: { booking: { id: string } | null } }>(
          url,
          CREATE_BOOKING,
          {
            i: {
              serviceId: tenant.short,
              startsAt,
              customer: { name: `Drain ${i}`, email: `d${i}@bench.example` },
            },
          },
          { 'x-tenant': tenant.slug },
        ),
      ),
    );
    const refused = made.filter((r) => !r.createBooking.booking).length;
    if (refused) throw new Error(`${refused} of the drain's bookings were refused`);
    const deadline = Date.now() + 300_000;
    while (received < emails) {
      if (Date.now() > deadline) throw new Error(`only ${received} of ${emails} emails arrived`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { emails, perSecond: emails / ((performance.now() - started) / 1000) };
  } finally {
    await stopServer(emailing);
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
}

/** The middle value (the upper of the two middle ones for an even count). */
/**
 * Webhook throughput: `count` changes (one per booking) made while the endpoint is paused,
 * then resumed; from the resume to the last delivery in, at a receiver that answers 204.
 */
async function measureWebhooks(url: string, tenant: SeededTenant, count: number) {
  const headers = { 'x-tenant': tenant.slug, authorization: `Bearer ${tenant.token}` };
  const arrivals: number[] = [];
  const receiver = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.push(performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  try {
    const made = await gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
      url,
      `mutation ($url: String!) { createWebhookEndpoint(input: { url: $url, events: [DETAILS_UPDATED] }) { endpoint { id } userErrors { message } } }`,
      { url: `http://127.0.0.1:${port}/hooks` },
      headers,
    );
    const id = made.createWebhookEndpoint.endpoint.id;
    const setActive = (active: boolean) =>
      gql(
        url,
        'mutation ($id: ID!, $a: Boolean) { updateWebhookEndpoint(id: $id, input: { active: $a }) { userErrors { message } } }',
        { id, a: active },
        headers,
      );
    await setActive(false);
    const listed = await gql<{ bookings: { edges: Array<{ node: { id: string } }> } }>(
      url,
      'query ($n: Int) { bookings(first: $n) { edges { node { id } } } }',
      { n: count },
      headers,
    );
    const ids = listed.bookings.edges.map((e) => e.node.id);
    for (let i = 0; i < ids.length; i += 10) {
      await Promise.all(
        ids
          .slice(i, i + 10)
          .map((b) =>
            gql(
              url,
              'mutation ($id: ID!) { updateBookingDetails(id: $id, input: { notes: "webhook bench" }) { userErrors { message } } }',
              { id: b },
              headers,
            ),
          ),
      );
    }
    const resumed = performance.now();
    await setActive(true);
    const deadline = Date.now() + 120_000;
    while (arrivals.length < ids.length) {
      if (Date.now() > deadline)
        throw new Error(`webhooks: ${arrivals.length} of ${ids.length} delivered`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = ((arrivals.at(-1) ?? resumed) - resumed) / 1000;
    await gql(
      url,
      'mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) { deletedId } }',
      { id },
      headers,
    );
    return { count: ids.length, perSecond: ids.length / Math.max(seconds, 0.001) };
  } finally {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** "0.55x raw SQL", with the rounds' spread when there is one. */
function ratioText(f: Figure): string {
  if (f.ratio === undefined) return '';
  const spread = f.spread ? `, ${f.spread.map((r) => r.toFixed(2)).join('-')}` : '';
  return `${f.ratio.toFixed(2)}x ${f.baseline}${spread}`;
}

/** The table `npm run bench` prints (and docs/PERFORMANCE.md shows). */
export function table(result: BenchResult): string {
  const rows = result.figures.map((f) => {
    const value = f.unit === 'ms' ? f.value.toFixed(2) : f.value.toFixed(1);
    const ratio = ratioText(f);
    const budget = f.budget ? `${f.budget} ${f.ok ? 'ok' : 'MISSED'}` : '';
    return `| ${f.name} | ${value} ${f.unit} | ${ratio} | ${budget} |`;
  });
  return ['| figure | value | ratio | budget |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
