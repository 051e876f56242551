import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.js';
import { createTenant, startTestApp, type TenantFixture, type TestApp } from '../helpers/app.js';
import { databaseUrl, sql } from '../helpers/database.js';
import { waitFor } from '../helpers/smtp.js';

// `npm run admin -- reset-password <tenant> <email>`: the built command, run as an operator
// runs it, against the database of a running server.

const run = promisify(execFile);
const ADMIN_JS = path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'admin.js');

let t: TestApp;
let a: TenantFixture;

async function admin(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [ADMIN_JS, ...args], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl(t.database), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const me = (token: string) =>
  t.gql<{ me: { email: string } | null }>('{ me { email } }', {}, { tenant: a.slug, token });

const signIn = (password: string) =>
  t.gql<{ login: { session: { token: string } | null } }>(
    'mutation ($e: EmailAddress!, $p: String!) { login(email: $e, password: $p) { session { token } userErrors { message } } }',
    { e: a.adminEmail, p: password },
    { tenant: a.slug },
  );

beforeAll(async () => {
  t = await startTestApp();
  a = await createTenant(t, 'operator-a');
});
afterAll(() => t?.close());

describe('npm run admin -- reset-password', () => {
  it('sets a new password shown once, and ends every session of the user at once', async () => {
    expect((await me(a.token)).data?.me?.email).toBe(a.adminEmail);
    const res = await admin(['reset-password', 'operator-a', a.adminEmail.toUpperCase()]);
    expect(res.code, res.stderr).toBe(0);
    const password = res.stdout.trim().split('\n').at(-1) ?? '';
    expect(password).toMatch(/^[\w-]{24}$/);
    // The running server hears of the revoked session through its change feed.
    await waitFor(
      'the old session to end',
      async () => (await me(a.token)).errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
    );
    expect((await signIn(a.adminPassword)).data?.login.session).toBeNull();
    const token = (await signIn(password)).data?.login.session?.token ?? '';
    expect((await me(token)).data?.me?.email).toBe(a.adminEmail);
    const [row] = await sql<{ actor_kind: string; action: string }>(
      t.database,
      "select actor_kind, action from audit_event where action = 'user.password_reset' and tenant_id = $1",
      [a.id],
    );
    expect(row).toEqual({ actor_kind: 'PLATFORM', action: 'user.password_reset' });
  });

  it('names what is wrong, and changes nothing, for an unknown tenant, user or command', async () => {
    const before = await sql(t.database, 'select password_hash from app_user order by id');
    for (const [args, message] of [
      [
        ['reset-password', 'no-such-tenant', 'x@example.com'],
        'There is no tenant "no-such-tenant"',
      ],
      [['reset-password', 'operator-a', 'nobody@example.com'], 'has no user nobody@example.com'],
      [['reset-password', 'operator-a'], 'usage: npm run admin -- reset-password <tenant> <email>'],
      [['drop-everything'], 'usage: npm run admin'],
    ] as const) {
      const res = await admin([...args]);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr).toContain(message);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await sql(t.database, 'select password_hash from app_user order by id')).toEqual(before);
  });

  it('refuses to start a second embedded PostgreSQL under a running server', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'booking-admin-'));
    try {
      await mkdir(path.join(dataDir, 'pg'));
      // A live process holds the cluster, as the server's PostgreSQL would.
      await writeFile(path.join(dataDir, 'pg', 'postmaster.pid'), `${process.pid}\n`);
      const res = await admin(['reset-password', 'operator-a', a.adminEmail], {
        DATABASE_URL: '',
        DATA_DIR: dataDir,
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`embedded PostgreSQL is running (pid ${process.pid})`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
