import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.js';
import { createApiKey, startTestApp, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/free-port.js';
import { book, everyDay, type Scenario, scenario } from '../helpers/scenario.js';

/** The examples in docs/API.md, run as a reader would run them, against a real server. */
const run = promisify(execFile);
const EXAMPLES = path.join(PROJECT_ROOT, 'docs', 'examples');

let t: TestApp;
let s: Scenario;
let workDir: string;

beforeAll(async () => {
  t = await startTestApp({ EMAIL_ENABLED: 'false', WEBHOOK_ALLOW_HOSTS: '127.0.0.1' });
  s = await scenario(t, 'acme', {
    timeZone: 'Europe/London',
    windows: everyDay('00:00', '24:00'),
  });
  workDir = await mkdtemp(path.join(tmpdir(), 'booking-docs-'));
});
afterAll(async () => {
  await t?.close();
  await rm(workDir, { recursive: true, force: true });
});

describe('docs/API.md', () => {
  it('quotes the example files exactly', async () => {
    const doc = await readFile(path.join(PROJECT_ROOT, 'docs', 'API.md'), 'utf8');
    for (const [file, lang] of [
      ['frontend-book.ts', 'ts'],
      ['partner-export.sh', 'bash'],
      ['partner-sync.ts', 'ts'],
      ['webhook-receiver.ts', 'ts'],
    ]) {
      const code = await readFile(path.join(EXAMPLES, file ?? ''), 'utf8');
      expect(doc).toContain(`\`\`\`${lang}\n${code}\`\`\``);
    }
  });

  it('the frontend example (graphql-request) lists services, finds a slot and books it', async () => {
    const { stdout } = await run(process.execPath, [path.join(EXAMPLES, 'frontend-book.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, API_URL: t.url, TENANT: 'acme', TZ: 'America/New_York' },
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result).toMatchObject({
      service: 'Appointment',
      status: 'CONFIRMED',
      hasManageToken: true,
    });
    expect(result.reference).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    const listed = await t.gql<{
      bookings: {
        edges: Array<{
          node: { reference: string; customerName: string; customerTimeZone: string };
        }>;
      };
    }>(
      '{ bookings(first: 10) { edges { node { reference customerName customerTimeZone } } } }',
      {},
      { tenant: 'acme', token: s.tenant.token },
    );
    expect(listed.data?.bookings.edges.map((e) => e.node)).toContainEqual({
      reference: result.reference,
      customerName: 'Ada Lovelace',
      customerTimeZone: 'America/New_York',
    });
  });

  it('the partner example (curl) checks its key and downloads the CSV both ways', async () => {
    const key = await createApiKey(t, s.tenant, 'PARTNER');
    const startsAt = new Date(Date.now() + 2 * 86_400_000);
    startsAt.setUTCHours(10, 0, 0, 0);
    const made = await book(t, 'acme', {
      serviceId: s.serviceId,
      startsAt: startsAt.toISOString(),
      customer: { name: 'Grace Hopper', email: 'grace@example.com' },
    });
    const reference = made.data?.createBooking.booking?.reference;
    const from = new Date(startsAt.getTime() - 86_400_000).toISOString();
    const to = new Date(startsAt.getTime() + 86_400_000).toISOString();
    const { stdout } = await run('bash', [path.join(EXAMPLES, 'partner-export.sh')], {
      cwd: workDir,
      env: { ...process.env, API_URL: t.url, API_KEY: key.secret, FROM: from, TO: to },
    });
    expect(stdout).toContain('"me":{"kind":"API_KEY","role":"PARTNER","tenant":{"slug":"acme"');
    expect(stdout).toMatch(/saved bookings\.csv \(\d+ bytes\)/);
    const csv = await readFile(path.join(workDir, 'bookings.csv'), 'utf8');
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.reference, r.customer_name])).toEqual([[reference, 'Grace Hopper']]);
    const viaGraphql = JSON.parse(
      await readFile(path.join(workDir, 'bookings-graphql.json'), 'utf8'),
    );
    expect(parse(viaGraphql.data.bookingsCsv, { columns: true })).toEqual(rows);
  });

  it('the feed example syncs every change once, from its saved cursor', async () => {
    const key = await createApiKey(t, s.tenant, 'PARTNER');
    const env = {
      ...process.env,
      API_URL: t.url,
      API_KEY: key.secret,
      CURSOR_FILE: path.join(workDir, 'cursor'),
    };
    const sync = async () => {
      const { stdout } = await run(process.execPath, [path.join(EXAMPLES, 'partner-sync.ts')], {
        cwd: PROJECT_ROOT,
        env,
      });
      return stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; booking: string });
    };
    await sync(); // up to now
    const startsAt = new Date(Date.now() + 3 * 86_400_000);
    startsAt.setUTCHours(9, 0, 0, 0);
    const made = await book(t, 'acme', {
      serviceId: s.serviceId,
      startsAt: startsAt.toISOString(),
    });
    const id = made.data?.createBooking.booking?.id as string;
    await s.admin('mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { message } } }', {
      id,
    });
    expect((await sync()).map((e) => [e.type, e.booking])).toEqual([
      ['CREATED', id],
      ['CANCELLED', id],
    ]);
    expect(await sync()).toEqual([]);
  });

  it('the webhook receiver verifies a real delivery and refuses a forged one', async () => {
    const port = await freePort();
    const made = await s.admin<{ createWebhookEndpoint: { secret: string } }>(
      `mutation ($url: String!) { createWebhookEndpoint(input: { url: $url, events: [CREATED] }) { secret userErrors { message } } }`,
      { url: `http://127.0.0.1:${port}/hooks` },
    );
    const receiver = spawn(process.execPath, [path.join(EXAMPLES, 'webhook-receiver.ts')], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        WEBHOOK_SECRET: made.createWebhookEndpoint.secret,
        PORT: String(port),
      },
    });
    try {
      let out = '';
      receiver.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      // Listening: a forged request answers 400.
      let forged = 0;
      for (let i = 0; i < 100 && forged !== 400; i++) {
        forged = await fetch(`http://127.0.0.1:${port}/hooks`, {
          method: 'POST',
          headers: {
            'webhook-id': 'msg_x',
            'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
            'webhook-signature': 'v1,Zm9yZ2Vk',
          },
          body: '{}',
        }).then(
          (r) => r.status,
          () => 0,
        );
        if (forged !== 400) await new Promise((r) => setTimeout(r, 50));
      }
      expect(forged).toBe(400);
      const startsAt = new Date(Date.now() + 4 * 86_400_000);
      startsAt.setUTCHours(9, 0, 0, 0);
      const booked = await book(t, 'acme', {
        serviceId: s.serviceId,
        startsAt: startsAt.toISOString(),
      });
      const id = booked.data?.createBooking.booking?.id;
      for (let i = 0; i < 200 && !out.includes('\n'); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(JSON.parse(out.trim())).toMatchObject({
        type: 'booking.created',
        booking: id,
        sequence: 1,
      });
    } finally {
      receiver.kill();
    }
  });
});
