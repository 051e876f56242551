import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export interface Pooler {
  port: number;
  /** The connection string of `database` through the pooler. */
  url(database: string): string;
  stop(): Promise<void>;
}

async function accepting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`pgbouncer is not listening on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Debian's PgBouncer (`apt-get install pgbouncer`; .ci/run installs it) in front of the test
 * PostgreSQL on `pgPort`, in `mode` (transaction pooling is what breaks LISTEN). It refuses
 * to run as root, so as root it runs as the `postgres` user the embedded server runs as.
 */
export async function startPgBouncer(
  pgPort: number,
  mode: 'transaction' | 'session' = 'transaction',
): Promise<Pooler> {
  const dir = await mkdtemp(path.join(tmpdir(), 'booking-pgbouncer-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  await writeFile(path.join(dir, 'users.txt'), '"postgres" "postgres"\n', { mode: 0o644 });
  await writeFile(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=127.0.0.1 port=${pgPort}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir =`,
      'auth_type = scram-sha-256',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      `pool_mode = ${mode}`,
      'max_client_conn = 1000',
      'default_pool_size = 40',
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asUser =
    userInfo().uid === 0
      ? {
          uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
          gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
        }
      : {};
  // Debian installs it in /usr/sbin, which a non-root PATH may leave out.
  const binary = existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer';
  const child: ChildProcess = spawn(binary, [path.join(dir, 'pgbouncer.ini')], {
    ...asUser,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  // Its log goes to stderr; the last of it explains a failed start.
  child.stderr?.on('data', (d: Buffer) => {
    said = (said + d.toString()).slice(-4000);
  });
  try {
    await accepting(port, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${String(err)}: ${said}`);
  }
  return {
    port,
    url: (database) => `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
