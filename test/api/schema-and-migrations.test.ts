import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printSchemaFile } from '../../src/graphql/print-schema.js';
import { PROJECT_ROOT } from '../../src/shared/paths.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('schema.graphql', () => {
  it('is what the resolvers emit (run `npm run schema:emit` when this fails)', async () => {
    const committed = await readFile(path.join(PROJECT_ROOT, 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printSchemaFile());
  });
});

describe('migrations', () => {
  it('have a snapshot that matches the entities (run `npm run migration:create` when this fails)', async () => {
    expect(await t.app.orm.migrator.checkSchema()).toBe(false);
  });

  it('build a database that matches the entities exactly', async () => {
    // The test database was created by running every migration; the ORM compares it with the entities.
    const diff = await t.app.orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  it('are all applied, and /readyz says so', async () => {
    expect(await t.app.orm.migrator.getPending()).toEqual([]);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      database: 'ok',
      pendingMigrations: 0,
      changeFeed: 'live',
    });
    const health = await fetch(`${t.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});
