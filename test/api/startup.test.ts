import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidIsAlive } from '../../src/db/embedded-postgres.js';
import { createTestDatabase, databaseUrl } from '../helpers/database.js';
import { freePort } from '../helpers/free-port.js';
import { spawnServer, waitForOutput } from '../helpers/server-process.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'booking-start-'));
  // The embedded PostgreSQL runs as its own user when the tests run as root.
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start (node dist/src/main.js)', () => {
  it('starts from a clean data directory, restarts with its data, and stops with no PostgreSQL left', async () => {
    const port = await freePort();
    const pgPort = await freePort();
    const env = {
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pgPort),
      HOST: '127.0.0.1',
    };

    const first = spawnServer(env);
    await waitForOutput(first, 'GraphQL API:');
    expect(first.stdout()).toContain(`GraphQL API:  http://127.0.0.1:${port}/graphql`);
    // The process runs with the memory settings of the file's first line (env execs node in
    // place, so the pid is node's).
    const proc = (what: string) =>
      readFile(`/proc/${first.child.pid}/${what}`, 'utf8').then((t) => t.split('\0'));
    expect(await proc('environ')).toContain('MALLOC_ARENA_MAX=2');
    expect(await proc('cmdline')).toEqual(
      expect.arrayContaining(['--max-semi-space-size=8', '--heap-growing-percent=20']),
    );
    const password = /password: (\S+)/.exec(first.stdout())?.[1];
    expect(password).toBeTruthy();
    const client = new GraphQLClient(`http://127.0.0.1:${port}/t/demo/graphql`);
    const demo = await client.request<{
      tenant: { slug: string; timeZone: string };
      services: unknown[];
    }>('{ tenant { slug timeZone } services { name } }');
    expect(demo.tenant).toEqual({ slug: 'demo', timeZone: 'Europe/London' });
    expect(demo.services).toHaveLength(2);
    // Opening hours and a blackout are seeded, so the next two weeks offer slots.
    const { services } = await client.request<{ services: Array<{ id: string; name: string }> }>(
      '{ services { id name } }',
    );
    const haircut = services.find((s) => s.name === 'Haircut');
    const today = new Date().toISOString().slice(0, 10);
    const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const { slots } = await client.request<{ slots: unknown[] }>(
      'query ($id: ID!, $from: LocalDate!, $to: LocalDate!) { slots(serviceId: $id, from: $from, to: $to) { startsAt } }',
      { id: haircut?.id, from: today, to: inTwoWeeks },
    );
    expect(slots.length).toBeGreaterThan(50);
    const pgPid = Number(
      (await readFile(path.join(dataDir, 'pg/postmaster.pid'), 'utf8')).split('\n')[0],
    );
    expect(pidIsAlive(pgPid)).toBe(true);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toContain('stopped cleanly');
    expect(pidIsAlive(pgPid)).toBe(false);

    const second = spawnServer(env);
    await waitForOutput(second, 'GraphQL API:');
    expect(second.stdout()).not.toContain('Demo tenant');
    const login = await client.request<{ login: { session: { token: string } | null } }>(
      'mutation ($p: String!) { login(email: "admin@demo.example", password: $p) { session { token } } }',
      { p: password },
    );
    expect(login.login.session?.token).toMatch(/^bks_/);
    const admin = new GraphQLClient(`http://127.0.0.1:${port}/t/demo/graphql`, {
      headers: { authorization: `Bearer ${login.login.session?.token}` },
    });
    const seeded = await admin.request<{
      bookings: { totalCount: number; edges: Array<{ node: { status: string } }> };
    }>('{ bookings(first: 10) { totalCount edges { node { status } } } }');
    expect(seeded.bookings.totalCount).toBe(3);
    expect(seeded.bookings.edges.map((e) => e.node.status).sort()).toEqual([
      'CONFIRMED',
      'CONFIRMED',
      'PENDING',
    ]);
    const secondPgPid = Number(
      (await readFile(path.join(dataDir, 'pg/postmaster.pid'), 'utf8')).split('\n')[0],
    );
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(pidIsAlive(secondPgPid)).toBe(false);
  });

  it('stops cleanly, exit code 0 and no error line, when Ctrl-C signals the whole process group under load', async () => {
    const port = await freePort();
    const pgPort = await freePort();
    const groupDir = await mkdtemp(path.join(tmpdir(), 'booking-ctrl-c-'));
    await chmod(groupDir, 0o755);
    // As in a terminal: info logs, the server leading its own foreground process group.
    const server = spawnServer(
      {
        DATA_DIR: groupDir,
        PORT: String(port),
        EMBEDDED_PG_PORT: String(pgPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        NODE_ENV: 'production',
        PLATFORM_ADMIN_TOKEN: 'platform-token-0123456789abcdef0123456789',
        SECRET_KEY: 'secret-key-0123456789abcdef0123456789abcdef',
        EMAIL_ENABLED: 'false',
        DEMO_DATA: 'false',
      },
      [],
      { processGroup: true },
    );
    try {
      await waitForOutput(server, 'Database:');
      const pgPid = Number(
        (await readFile(path.join(groupDir, 'pg/postmaster.pid'), 'utf8')).split('\n')[0],
      );
      // Requests in flight (reads and writes that reach the database) when the signal comes.
      const client = new GraphQLClient(`http://127.0.0.1:${port}/graphql`, {
        headers: { authorization: 'Bearer platform-token-0123456789abcdef0123456789' },
      });
      let stop = false;
      const load = (async () => {
        for (let i = 0; !stop; i++) {
          await client
            .request(
              'mutation ($s: String!) { createTenant(input: { slug: $s, name: "Load", timeZone: "UTC", email: "l@example.com", adminEmail: "a@example.com", adminPassword: "correct-horse-battery" }) { tenant { id } } }',
              { s: `load-${i}` },
            )
            .catch(() => {});
        }
      })();
      await new Promise((r) => setTimeout(r, 1500));
      process.kill(-server.pid, 'SIGINT');
      expect(await server.exited).toBe(0);
      stop = true;
      await load;
      const output = `${server.stdout()}\n${server.stderr()}`;
      expect(output).toContain('stopped cleanly');
      // No error and no warning: no record at level warn (40) or above, no stray text.
      for (const line of output.split('\n').filter((l) => l.startsWith('{'))) {
        expect(line, line).not.toMatch(/"level":(4|5|6)\d/);
      }
      expect(output).not.toMatch(/error|57P01|Unhandled/i);
      expect(pidIsAlive(pgPid)).toBe(false);
    } finally {
      if (server.child.exitCode === null) process.kill(-server.pid, 'SIGKILL');
      await rm(groupDir, { recursive: true, force: true });
    }
  });

  it('uses DATABASE_URL when set and starts no embedded PostgreSQL', async () => {
    const database = await createTestDatabase();
    const emptyDir = await mkdtemp(path.join(tmpdir(), 'booking-url-'));
    const port = await freePort();
    const server = spawnServer({
      DATABASE_URL: databaseUrl(database),
      DATA_DIR: emptyDir,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    // The banner's last line, so the whole banner has arrived.
    await waitForOutput(server, 'Database:');
    expect(server.stdout()).toContain('Database:     DATABASE_URL');
    expect(server.stdout()).not.toContain('Demo tenant');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    await expect(stat(path.join(emptyDir, 'pg'))).rejects.toThrow();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await rm(emptyDir, { recursive: true, force: true });
  });

  it('refuses to start on a bad setting, naming the variable', async () => {
    const server = spawnServer({ PORT: 'eighty', DATA_DIR: dataDir });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toContain('PORT must be a whole number');
  });
});
