import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClientError, GraphQLClient } from 'graphql-request';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Notification } from '../../src/notifications/notification.entity.js';
import { NotificationStatus } from '../../src/notifications/notification-status.js';
import { createTestDatabase, databaseUrl } from './database.js';
import { httpFetch } from './http-fetch.js';

export const PLATFORM_TOKEN = 'platform-test-token-0123456789abcdef';
export const BASE_DOMAIN = 'booking.test';

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors:
    | Array<{
        message: string;
        path?: string[];
        locations?: Array<{ line: number; column: number }>;
        extensions?: Record<string, unknown>;
      }>
    | undefined;
}

export interface RequestOptions {
  tenant?: string;
  token?: string;
  headers?: Record<string, string>;
  path?: string;
}

export interface TestApp {
  app: App;
  database: string;
  url: string;
  /** Where mail goes when no SMTP server is configured (the local sink). */
  mailSinkDir: string;
  /** Runs an operation through the real HTTP server with graphql-request; never throws on GraphQL errors. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<GraphQLResult<T>>;
  /** Runs `fn` and returns the SQL statements the server's ORM ran meanwhile. */
  statementsDuring(fn: () => Promise<unknown>): Promise<string[]>;
  close(): Promise<void>;
}

/** The real server on its own cloned database, listening on a free loopback port. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: {
    clock?: () => number;
    logStream?: import('node:stream').Writable;
    /** Another instance on this test database (default: a new one). */
    database?: string;
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const mailSinkDir = path.join(tmpdir(), `booking-mail-${database}`);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl(database),
    PLATFORM_ADMIN_TOKEN: PLATFORM_TOKEN,
    BASE_DOMAIN,
    SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
    MAIL_SINK_DIR: mailSinkDir,
    NOTIFY_RETRY_LIMIT: '2',
    NOTIFY_RETRY_DELAY_SECONDS: '1',
    JOBS_SUPERVISE_SECONDS: '1',
    // Off here so that storms and suites can run; test/api/rate-limits.test.ts turns them on.
    RATE_LIMITS: 'false',
    ...env,
  });
  let recording: string[] | null = null;
  const app = await startApp(config, {
    clock: options.clock,
    logStream: options.logStream,
    onQuery: (message) => {
      if (recording && message.includes('[query]')) recording.push(message);
    },
  });
  const url = app.url;

  async function gql<T>(
    query: string,
    variables: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<GraphQLResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.tenant) headers['x-tenant'] = options.tenant;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const client = new GraphQLClient(`${url}${options.path ?? '/graphql'}`, {
      headers,
      // Host cannot be set through the built-in fetch.
      ...(headers.host ? { fetch: httpFetch } : {}),
    });
    try {
      const response = await client.rawRequest<T>(query, variables);
      return { status: response.status, data: response.data, errors: undefined };
    } catch (err) {
      if (err instanceof ClientError) {
        const r = err.response as unknown as GraphQLResult<T>;
        return { status: r.status, data: r.data, errors: r.errors };
      }
      throw err;
    }
  }

  async function statementsDuring(fn: () => Promise<unknown>): Promise<string[]> {
    // The notification worker shares the ORM: let earlier tests' mail go out first.
    const em = app.orm.em.fork();
    for (let i = 0; i < 200; i++) {
      const waiting = await em.count(
        Notification,
        { status: NotificationStatus.QUEUED },
        { filters: false },
      );
      if (waiting === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const statements: string[] = [];
    recording = statements;
    try {
      await fn();
    } finally {
      recording = null;
    }
    return statements;
  }

  async function close(): Promise<void> {
    await app.close();
    // The instance that made the database owns its mail sink.
    if (!options.database) await rm(mailSinkDir, { recursive: true, force: true });
  }

  return { app, database, url, mailSinkDir, gql, statementsDuring, close };
}

export interface TenantFixture {
  id: string;
  slug: string;
  adminEmail: string;
  adminPassword: string;
  /** A login session token of the first admin. */
  token: string;
}

/** Creates a tenant through the API as the platform operator and logs its admin in. */
export async function createTenant(
  t: TestApp,
  slug: string,
  extra: { timeZone?: string; subdomain?: string } = {},
): Promise<TenantFixture> {
  const adminEmail = `admin@${slug}.example`;
  const adminPassword = `pw-${slug}-correct-horse`;
  const created = await t.gql<{
    createTenant: { tenant: { id: string } | null; userErrors: unknown[] };
  }>(
    `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } userErrors { code field message } } }`,
    {
      input: {
        slug,
        name: `Business ${slug}`,
        timeZone: extra.timeZone ?? 'Europe/London',
        email: `hello@${slug}.example`,
        adminEmail,
        adminPassword,
        ...(extra.subdomain ? { subdomain: extra.subdomain } : {}),
      },
    },
    { token: PLATFORM_TOKEN },
  );
  const tenant = created.data?.createTenant.tenant;
  if (!tenant) throw new Error(`createTenant failed: ${JSON.stringify(created)}`);
  const token = await login(t, slug, adminEmail, adminPassword);
  return { id: tenant.id, slug, adminEmail, adminPassword, token };
}

export async function login(
  t: TestApp,
  slug: string,
  email: string,
  password: string,
): Promise<string> {
  const res = await t.gql<{ login: { session: { token: string } | null } }>(
    `mutation ($email: EmailAddress!, $password: String!) { login(email: $email, password: $password) { session { token } userErrors { message } } }`,
    { email, password },
    { tenant: slug },
  );
  const token = res.data?.login.session?.token;
  if (!token) throw new Error(`login failed: ${JSON.stringify(res)}`);
  return token;
}

export async function createApiKey(t: TestApp, tenant: TenantFixture, role: 'ADMIN' | 'PARTNER') {
  const res = await t.gql<{
    createApiKey: { secret: string; apiKey: { id: string; prefix: string } };
  }>(
    `mutation ($role: Role!) { createApiKey(name: "key", role: $role) { secret apiKey { id prefix role } userErrors { message } } }`,
    { role },
    { tenant: tenant.slug, token: tenant.token },
  );
  const key = res.data?.createApiKey;
  if (!key?.secret) throw new Error(`createApiKey failed: ${JSON.stringify(res)}`);
  return { secret: key.secret, id: key.apiKey.id, prefix: key.apiKey.prefix };
}
