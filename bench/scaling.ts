/**
 * The scaling measurements behind docs/PERFORMANCE.md's scaling note: how the costs grow
 * with the range asked for, the bookings on a resource and the number of tenants, each
 * measured at three sizes, with the response cache on (one server) and off (a second server
 * on the same database). `npm run bench:scaling`; writes bench/results/scaling.json.
 */
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { Resource } from '../src/catalog/resource.entity.js';
import { Service } from '../src/catalog/service.entity.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { createOrmConfig } from '../src/db/orm-config.js';
import { TENANT_FILTER } from '../src/db/tenant-filter.js';
import { computeSlots } from '../src/scheduling/slot-engine.js';
import { loadSlotQuery } from '../src/scheduling/slots.service.js';
import { Tenant } from '../src/tenancy/tenant.entity.js';
import {
  dayFromNow,
  freePort,
  rssMb,
  type SeededTenant,
  seedBookings,
  seedTenant,
  startServer,
  stopServer,
} from './bench.js';
import { load } from './load.js';

export interface ScalingOptions {
  /** Local days asked for (7, 31, 62). */
  ranges: number[];
  /** Bookings on the resource over the next 31 days (100, 400, 1600). */
  bookings: number[];
  /** Tenants the requests are spread over (10, 50, 200). */
  tenants: number[];
  seconds: number;
  connections: number;
  out: string;
  log?: (line: string) => void;
}

export const FULL_SCALING: Omit<ScalingOptions, 'out'> = {
  ranges: [7, 31, 62],
  bookings: [100, 400, 1600],
  tenants: [10, 50, 200],
  seconds: 3,
  connections: 10,
};

export interface ScalingRow {
  dimension: 'range (days)' | 'bookings on the resource' | 'tenants';
  size: number;
  /** p50 in ms, the response cache on and off; the engine alone (median ms) where it applies. */
  cachedP50: number;
  uncachedP50: number;
  uncachedRps: number;
  engineMs?: number;
  /** bookings(first: 100), cache off, for the bookings dimension. */
  listingUncachedP50?: number;
  /** The cached server's resident memory after the row, for the tenants dimension. */
  rssMb?: number;
}

export interface ScalingResult {
  startedAt: string;
  durationSeconds: number;
  baselineP50: number;
  rows: ScalingRow[];
}

const SLOTS =
  'query ($s: ID!, $f: LocalDate!, $t: LocalDate!) { slots(serviceId: $s, from: $f, to: $t) { startsAt endsAt remainingCapacity } }';
const LISTING =
  '{ bookings(first: 100) { totalCount edges { node { id reference startsAt status customerName service { name } resource { name } } } } }';

export async function runScaling(options: ScalingOptions): Promise<ScalingResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'booking-scaling-'));
  await chmod(dataDir, 0o755);
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'pg'),
    port: await freePort(),
  });
  await embedded.createDatabase('bench');
  const databaseUrl = embedded.url('bench');
  let cachedServer: ChildProcess | null = null;
  let uncachedServer: ChildProcess | null = null;
  let db: pg.Client | null = null;
  let orm: MikroORM | null = null;
  try {
    const cachedPort = await freePort();
    const uncachedPort = await freePort();
    cachedServer = await startServer(databaseUrl, cachedPort);
    uncachedServer = await startServer(databaseUrl, uncachedPort, { RESPONSE_CACHE_MB: '0' });
    const cachedUrl = `http://127.0.0.1:${cachedPort}`;
    const uncachedUrl = `http://127.0.0.1:${uncachedPort}`;
    db = new pg.Client({ connectionString: databaseUrl });
    db.on('error', () => {});
    await db.connect();

    const maxRange = Math.max(...options.ranges);
    log(
      `seeding: a tenant with bookings over ${maxRange} days, one per booking count, and ${Math.max(...options.tenants)} tenants`,
    );
    const ranged = await seedTenant(cachedUrl, 'ranged');
    await seedBookings(db, ranged, Math.round((400 * maxRange) / 31), maxRange);
    const byBookings = new Map<number, SeededTenant>();
    for (const count of options.bookings) {
      const t = await seedTenant(cachedUrl, `bookings-${count}`);
      await seedBookings(db, t, count);
      byBookings.set(count, t);
    }
    const fleet: SeededTenant[] = [];
    for (let i = 0; i < Math.max(...options.tenants); i++) {
      const t = await seedTenant(cachedUrl, `fleet-${i}`);
      await seedBookings(db, t, 400);
      fleet.push(t);
    }
    await db.query('analyze');
    orm = await MikroORM.init(createOrmConfig({ clientUrl: databaseUrl, poolMax: 2 }));

    /** p50 of `requests` spread over the given tenants (in turn), on one server. */
    const measure = async (
      url: string,
      requests: Array<{ tenant: SeededTenant; body: string; token?: boolean }>,
    ) => {
      const request = (i: number) => {
        const r = requests[i % requests.length] as (typeof requests)[number];
        return {
          path: '/graphql',
          headers: {
            'content-type': 'application/json',
            'x-tenant': r.tenant.slug,
            ...(r.token ? { authorization: `Bearer ${r.tenant.token}` } : {}),
          },
          body: r.body,
        };
      };
      const options2 = { url, connections: options.connections, request };
      await load({ ...options2, seconds: Math.min(1, options.seconds) });
      const result = await load({ ...options2, seconds: options.seconds });
      if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx answers`);
      return result;
    };
    const slotsBody = (t: SeededTenant, days: number) =>
      JSON.stringify({
        query: SLOTS,
        variables: { s: t.short, f: dayFromNow(1), t: dayFromNow(days) },
      });
    const engineMedian = async (t: SeededTenant, days: number) => {
      const em = (orm as MikroORM).em.fork();
      em.setFilterParams(TENANT_FILTER, { tenantId: t.id });
      const query = await loadSlotQuery(
        em,
        await em.findOneOrFail(Tenant, { id: t.id }),
        await em.findOneOrFail(Service, { id: t.short }),
        await em.findOneOrFail(Resource, { id: t.resourceId }),
        { from: dayFromNow(1), to: dayFromNow(days), now: Date.now() },
      );
      for (let i = 0; i < 100; i++) computeSlots(query);
      const runs: number[] = [];
      for (let i = 0; i < 300; i++) {
        const t0 = performance.now();
        computeSlots(query);
        runs.push(performance.now() - t0);
      }
      return runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0;
    };

    const baseline = await load({
      url: cachedUrl,
      connections: options.connections,
      seconds: options.seconds,
      request: () => ({
        path: '/graphql',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      }),
    });
    const rows: ScalingRow[] = [];
    const row = (r: ScalingRow) => {
      rows.push(r);
      log(
        `  ${r.dimension} ${r.size}: cached ${r.cachedP50.toFixed(2)} ms, uncached ${r.uncachedP50.toFixed(2)} ms`,
      );
    };

    /** The same `slots` requests on the server without the cache, then on the one with it. */
    const slotsBothWays = async (requests: Array<{ tenant: SeededTenant; body: string }>) => {
      const uncached = await measure(uncachedUrl, requests);
      return {
        cachedP50: (await measure(cachedUrl, requests)).p50,
        uncachedP50: uncached.p50,
        uncachedRps: uncached.rps,
      };
    };

    for (const days of options.ranges) {
      row({
        dimension: 'range (days)',
        size: days,
        ...(await slotsBothWays([{ tenant: ranged, body: slotsBody(ranged, days) }])),
        engineMs: await engineMedian(ranged, days),
      });
    }
    for (const count of options.bookings) {
      const t = byBookings.get(count) as SeededTenant;
      row({
        dimension: 'bookings on the resource',
        size: count,
        ...(await slotsBothWays([{ tenant: t, body: slotsBody(t, 31) }])),
        engineMs: await engineMedian(t, 31),
        listingUncachedP50: (
          await measure(uncachedUrl, [
            { tenant: t, body: JSON.stringify({ query: LISTING }), token: true },
          ])
        ).p50,
      });
    }
    for (const n of options.tenants) {
      row({
        dimension: 'tenants',
        size: n,
        ...(await slotsBothWays(
          fleet.slice(0, n).map((t) => ({ tenant: t, body: slotsBody(t, 31) })),
        )),
        rssMb: await rssMb(cachedServer.pid ?? 0),
      });
    }

    const result: ScalingResult = {
      startedAt: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      baselineP50: baseline.p50,
      rows,
    };
    await mkdir(path.dirname(options.out), { recursive: true });
    await writeFile(options.out, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await orm?.close(true);
    await db?.end().catch(() => {});
    await stopServer(uncachedServer);
    await stopServer(cachedServer);
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The table `npm run bench:scaling` prints. */
export function scalingTable(result: ScalingResult): string {
  const ms = (v: number | undefined) => (v === undefined ? '' : `${v.toFixed(2)} ms`);
  return [
    `baseline { __typename } p50: ${ms(result.baselineP50)}`,
    '',
    '| dimension | size | slots p50, cached | slots p50, cache off | slots/s, cache off | engine alone | bookings(first: 100) p50, cache off | RSS |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...result.rows.map(
      (r) =>
        `| ${r.dimension} | ${r.size} | ${ms(r.cachedP50)} | ${ms(r.uncachedP50)} | ${r.uncachedRps.toFixed(0)} | ${ms(r.engineMs)} | ${ms(r.listingUncachedP50)} | ${r.rssMb === undefined ? '' : `${r.rssMb.toFixed(0)} MB`} |`,
    ),
  ].join('\n');
}
