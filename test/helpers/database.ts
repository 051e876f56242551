import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export function databaseUrl(database: string): string {
  return `postgres://postgres:postgres@127.0.0.1:${inject('pgPort')}/${database}`;
}

/** A new database cloned from the migrated template: fresh schema, no rows. */
export async function createTestDatabase(): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  // A lost connection fails the query waiting on it; the event alone must not end the run.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`);
  } finally {
    await client.end();
  }
  return name;
}

/** Runs SQL directly against a test database (for checks the API cannot make). */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  database: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}
