import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Config } from '../config.js';
import { holdingAdvisoryLock, watchClient } from './connections.js';
import type { EmbeddedDatabase } from './embedded-postgres.js';
import { createOrmConfig } from './orm-config.js';

const EMBEDDED_DATABASE_NAME = 'booking';
const MIGRATION_LOCK_KEY = 727_274_001;

export interface Database {
  orm: MikroORM;
  /** The embedded cluster, when the app started one (no DATABASE_URL). */
  embedded: EmbeddedDatabase | null;
  /** Connection string of the application database. */
  url: string;
  close(): Promise<void>;
}

/** Applies pending migrations, one instance at a time. */
async function migrate(
  orm: MikroORM,
  clientUrl: string,
  log: (msg: string) => void,
): Promise<void> {
  const lock = new pg.Client({
    connectionString: clientUrl,
    application_name: 'booking-api migrations',
  });
  // A lost connection fails the statement waiting on it, which fails the start-up.
  watchClient(lock, { warn: () => {} }, 'migrations', () => {});
  await lock.connect();
  try {
    const applied = await holdingAdvisoryLock(lock, MIGRATION_LOCK_KEY, () => orm.migrator.up());
    if (applied.length) {
      log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
    }
  } finally {
    await lock.end();
  }
}

/** Opens DATABASE_URL, or else an embedded PostgreSQL under DATA_DIR/pg, and migrates it. */
export async function openDatabase(
  config: Config,
  log: (msg: string) => void,
  onQuery?: (sql: string) => void,
): Promise<Database> {
  let embedded: EmbeddedDatabase | null = null;
  let clientUrl = config.databaseUrl;
  if (!clientUrl) {
    // Loaded only here: production images leave the embedded PostgreSQL binaries out.
    const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pg'),
      port: config.embeddedPgPort,
      log,
    });
    await embedded.createDatabase(EMBEDDED_DATABASE_NAME);
    clientUrl = embedded.url(EMBEDDED_DATABASE_NAME);
  }
  let orm: MikroORM | undefined;
  try {
    orm = await MikroORM.init(createOrmConfig({ clientUrl, onQuery }));
    await migrate(orm, clientUrl, log);
  } catch (err) {
    await orm?.close(true);
    await embedded?.stop();
    throw err;
  }
  return {
    orm,
    embedded,
    url: clientUrl,
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}
