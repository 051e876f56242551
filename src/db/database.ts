import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres.js';
import { createOrmConfig } from './orm-config.js';

/** Name of the application database inside the embedded cluster. */
export const EMBEDDED_DATABASE_NAME = 'booking';

export interface Database {
  orm: MikroORM;
  /** The embedded cluster, when the app started one (no DATABASE_URL). */
  embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

/**
 * Opens the database the configuration names: DATABASE_URL, or else an embedded PostgreSQL
 * under DATA_DIR/pg (started, and initialised on first use). Applies pending migrations.
 */
export async function openDatabase(config: Config, log: (msg: string) => void): Promise<Database> {
  let embedded: EmbeddedDatabase | null = null;
  let clientUrl = config.databaseUrl;
  if (!clientUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pg'),
      port: config.embeddedPgPort,
      log,
    });
    if (!(await embedded.databaseExists(EMBEDDED_DATABASE_NAME))) {
      await embedded.createDatabase(EMBEDDED_DATABASE_NAME);
    }
    clientUrl = embedded.url(EMBEDDED_DATABASE_NAME);
  }
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(createOrmConfig({ clientUrl }));
    const applied = await orm.migrator.up();
    if (applied.length)
      log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return {
    orm,
    embedded,
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}
