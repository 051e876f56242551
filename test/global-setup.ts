import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { PgBoss } from 'pg-boss';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { createOrmConfig } from '../src/db/orm-config.js';
import { freePort } from './helpers/free-port.js';

export const TEMPLATE_DATABASE = 'booking_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgPort: number;
    templateDatabase: string;
  }
}

/**
 * One embedded PostgreSQL for the whole run, in a fresh temporary directory, with a
 * migrated template database; each test file clones its own database from the template.
 */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'booking-test-pg-'));
  const port = await freePort();
  const pg = await startEmbeddedPostgres({ dataDir, port });
  await pg.createDatabase(TEMPLATE_DATABASE);
  const orm = await MikroORM.init(createOrmConfig({ clientUrl: pg.url(TEMPLATE_DATABASE) }));
  await orm.migrator.up();
  await orm.close(true);
  // The job queue's own schema, installed once here so that every cloned database has it.
  const boss = new PgBoss({
    connectionString: pg.url(TEMPLATE_DATABASE),
    schema: 'pgboss',
    supervise: false,
  });
  await boss.start();
  await boss.stop({ graceful: false, close: true });
  project.provide('pgPort', port);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  return async () => {
    await pg.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
