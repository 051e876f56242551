import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BenchResult, runBench, serverEnvOf, table } from '../../bench/bench.js';
import { runScaling, type ScalingResult, scalingTable } from '../../bench/scaling.js';

/**
 * The benchmark's seeding and measuring code, run small: it must work end to end and write
 * its JSON. Its budgets are not judged here (timing on a shared machine flakes); `npm run
 * bench` judges them.
 */
describe('npm run bench, small', () => {
  it("passes BENCH_SERVER_ENV's NAME=value pairs to the server, and refuses anything else", () => {
    expect(serverEnvOf(undefined)).toEqual({});
    expect(serverEnvOf(' MALLOC_ARENA_MAX=2  NODE_DEBUG=a=b ')).toEqual({
      MALLOC_ARENA_MAX: '2',
      NODE_DEBUG: 'a=b',
    });
    expect(() => serverEnvOf('MALLOC_ARENA_MAX')).toThrow(/"MALLOC_ARENA_MAX" is not NAME=value/);
    expect(() => serverEnvOf('=2')).toThrow(/not NAME=value/);
  });

  it('seeds, measures every figure, and writes its JSON', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-test-'));
    const out = path.join(dir, 'latest.json');
    try {
      const result = await runBench({
        extraTenants: 1,
        bookingsPerTenant: 30,
        exportBookings: 200,
        drainBookings: 5,
        seconds: 0.5,
        connections: 2,
        out,
        log: () => {},
      });
      const written = JSON.parse(await readFile(out, 'utf8')) as BenchResult;
      expect(written).toEqual(result);
      const names = result.figures.map((f) => f.name).join('\n');
      for (const expected of [
        'baseline { __typename } p50',
        'slots 31 days p50',
        'slot engine alone',
        'raw-SQL booking baseline throughput',
        'createBooking throughput (no contention)',
        'CPU per booking: the server',
        'CPU per booking: PostgreSQL, createBooking',
        "CPU per booking: the raw-SQL baseline's pg client",
        'CPU per booking: PostgreSQL, raw SQL',
        'same-slot storm (50), losers p50',
        'bookings(first: 100) with service and resource p50',
        'webhook deliveries to a local receiver, 30 waiting',
        'bookingEvents(first: 100) p50',
        "bookingEvents after the end (a partner's poll with nothing new) p50",
        'bookingsCsv, 200 rows',
        'GET /exports/bookings.csv, 200 rows',
        'server RSS at idle',
        'server RSS at the end',
        'notification drain, 10 emails to a local SMTP server',
      ]) {
        expect(names).toContain(expected);
      }
      for (const f of result.figures)
        expect(Number.isFinite(f.value) && f.value >= 0, f.name).toBe(true);
      // The engine alone ran on a month that has free slots.
      expect(names).toMatch(/slot engine alone, 31 days \([1-9]\d* slots/);
      // Read from /proc for the server and PostgreSQL, and from process.cpuUsage for the
      // bench's own pg client: every side of a booking costs some CPU.
      for (const f of result.figures.filter((f) => f.name.startsWith('CPU per booking')))
        expect(f.value, f.name).toBeGreaterThan(0);
      // createBooking against raw SQL: the median of alternating rounds, with their spread.
      const create = result.figures.find((f) => f.name.startsWith('createBooking throughput'));
      const [low, high] = create?.spread ?? [Number.NaN, Number.NaN];
      expect(low).toBeLessThanOrEqual(create?.ratio ?? Number.NaN);
      expect(create?.ratio).toBeLessThanOrEqual(high);
      const budgets = result.figures.filter((f) => f.budget);
      expect(budgets).toHaveLength(9);
      // The reset's time for a known email against an unknown one, with the pairs' spread.
      const reset = result.figures.find((f) => f.name.startsWith('requestPasswordReset'));
      expect(reset?.spread?.[0]).toBeLessThanOrEqual(reset?.ratio ?? Number.NaN);
      for (const f of budgets) expect(typeof f.ok).toBe('boolean');
      expect(result.budgetsMissed).toEqual(
        budgets.filter((f) => !f.ok).map((f) => `${f.name} (${f.budget})`),
      );
      expect(table(result).split('\n')).toHaveLength(result.figures.length + 2);
      expect(names).toContain('slots 31 days p50, response cache off');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('measures the scaling rows, every dimension at every size, and writes their JSON', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'scaling-test-'));
    const out = path.join(dir, 'scaling.json');
    try {
      const result = await runScaling({
        ranges: [1, 7],
        bookings: [10, 30],
        tenants: [1, 2],
        seconds: 0.3,
        connections: 2,
        out,
        log: () => {},
      });
      expect(JSON.parse(await readFile(out, 'utf8')) as ScalingResult).toEqual(result);
      expect(result.rows.map((r) => `${r.dimension} ${r.size}`)).toEqual([
        'range (days) 1',
        'range (days) 7',
        'bookings on the resource 10',
        'bookings on the resource 30',
        'tenants 1',
        'tenants 2',
      ]);
      for (const r of result.rows) {
        expect(r.cachedP50).toBeGreaterThan(0);
        expect(r.uncachedP50).toBeGreaterThan(0);
      }
      expect(result.rows.filter((r) => r.engineMs !== undefined)).toHaveLength(4);
      expect(result.rows.filter((r) => r.listingUncachedP50 !== undefined)).toHaveLength(2);
      expect(scalingTable(result)).toContain('| tenants | 2 |');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
