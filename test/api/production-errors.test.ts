import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';

let t: TestApp;
beforeAll(async () => {
  // Production needs an SMTP server configured; nothing here sends mail.
  t = await startTestApp({ NODE_ENV: 'production', SMTP_HOST: '127.0.0.1', SMTP_PORT: '2525' });
  await createTenant(t, 'acme');
});
afterAll(() => t?.close());

describe('errors in production', () => {
  it('carry no stack trace', async () => {
    const res = await t.gql('{ tenant { id } }', {}, { tenant: 'nobody' });
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'TENANT_NOT_FOUND' });
    const validation = await t.gql('{ tenant { nope } }', {}, { tenant: 'acme' });
    expect(validation.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('hide the cause of an unexpected failure: no SQL, no stack, only a code', async () => {
    await sql(t.database, 'alter table service rename to service_gone');
    try {
      const res = await t.gql('{ services { id } }', {}, { tenant: 'acme' });
      expect(res.errors).toEqual([
        {
          message: 'Internal server error',
          locations: [{ line: 1, column: 3 }],
          path: ['services'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
      expect(JSON.stringify(res)).not.toMatch(/service_gone|select|relation|at /i);
    } finally {
      await sql(t.database, 'alter table service_gone rename to service');
    }
  });
});
