// `create [name]` writes a migration and the snapshot from the entities' difference; `up` applies.
import 'reflect-metadata';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { MIGRATIONS_SOURCE_DIR } from '../db/orm-config.js';
import { PROJECT_ROOT } from '../shared/paths.js';

async function run(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  const log = (msg: string) => process.stdout.write(`${msg}\n`);
  if (command !== 'create' && command !== 'up') {
    throw new Error('usage: migrate.js create [name] | up');
  }
  // Opening the database applies pending migrations, which `up` asks for and `create` needs.
  const db = await openDatabase(config, log);
  try {
    if (command === 'create') {
      const result = await db.orm.migrator.create(
        path.join(PROJECT_ROOT, MIGRATIONS_SOURCE_DIR),
        false,
        false,
        name,
      );
      log(
        result.fileName
          ? `created ${MIGRATIONS_SOURCE_DIR}/${result.fileName}`
          : 'entities match the migrations: nothing to create',
      );
    } else {
      log('database is up to date');
    }
  } finally {
    await db.close();
  }
}

run().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
