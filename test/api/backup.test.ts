import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { databaseUrl, sql } from '../helpers/database.js';
import { book, scenario, weekdays } from '../helpers/scenario.js';

/** scripts/backup and scripts/restore, run as an operator would, against the embedded PostgreSQL. */
const run = promisify(execFile);
const script = (name: string) => path.join(PROJECT_ROOT, 'scripts', name);

let t: TestApp;
let dir: string;

beforeAll(async () => {
  t = await startTestApp({ EMAIL_ENABLED: 'false' });
  const s = await scenario(t, 'kept', { windows: weekdays('09:00', '17:00') });
  for (const [i, hour] of ['09', '10', '11'].entries()) {
    await book(t, 'kept', {
      serviceId: s.serviceId,
      startsAt: `2027-01-04T${hour}:00:00Z`,
      customer: { name: `Kept ${i}`, email: `kept${i}@example.com` },
    });
  }
  dir = await mkdtemp(path.join(tmpdir(), 'booking-backups-'));
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

async function newDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  admin.on('error', () => {});
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return databaseUrl(name);
}

describe('backup and restore', () => {
  it('round-trip the bookings, keep the newest archives, and refuse a non-empty target', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl(t.database),
      BACKUP_DIR: dir,
      BACKUP_KEEP: '2',
    };
    const archives: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { stdout } = await run(script('backup'), [], { env });
      archives.push(stdout.trim());
      await new Promise((r) => setTimeout(r, 1100)); // archive names are by the second
    }
    for (const a of archives) expect(path.basename(a)).toMatch(/^booking-\d{8}T\d{6}Z\.dump$/);
    expect((await readdir(dir)).sort()).toEqual(
      archives
        .slice(1)
        .map((a) => path.basename(a))
        .sort(),
    );

    const target = await newDatabase(`restored_${Date.now()}`);
    const { stdout } = await run(script('restore'), [archives[2] ?? '', target], {
      env: process.env,
    });
    expect(stdout).toContain('restored');
    const original = await sql(
      t.database,
      'select id, reference, starts_at, status, customer_name, customer_email, occupied_start, session_key from booking order by id',
    );
    const client = new pg.Client({ connectionString: target });
    client.on('error', () => {});
    await client.connect();
    const restored = (
      await client.query(
        'select id, reference, starts_at, status, customer_name, customer_email, occupied_start, session_key from booking order by id',
      )
    ).rows;
    // The double-booking guard comes back too.
    const constraint = (
      await client.query(
        "select 1 from pg_constraint where conname = 'booking_resource_no_overlap'",
      )
    ).rowCount;
    await client.end();
    expect(original).toHaveLength(3);
    expect(restored).toEqual(original);
    expect(constraint).toBe(1);

    // A restored database serves the app as it is (no pending migration).
    const again = await startTestApp({ DATABASE_URL: target, EMAIL_ENABLED: 'false' });
    try {
      const ready = await fetch(`${again.url}/readyz`);
      expect(await ready.json()).toEqual({
        status: 'ready',
        database: 'ok',
        pendingMigrations: 0,
        changeFeed: 'live',
      });
    } finally {
      await again.close();
    }

    await expect(
      run(script('restore'), [archives[2] ?? '', target], { env: process.env }),
    ).rejects.toMatchObject({
      code: 3,
      stderr: expect.stringContaining('refusing to restore into a database that has'),
    });
  }, 60_000);
});
