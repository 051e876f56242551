import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import { Caches } from './cache/caches.js';
import { ChangeFeed } from './cache/change-feed.js';
import type { Config } from './config.js';
import { Metrics } from './context/metrics.js';
import type { AppServices } from './context/request-context.js';
import { isDatabaseOutage } from './db/connections.js';
import { openDatabase } from './db/database.js';
import { seedDemoData } from './db/demo-data.js';
import { createSchema } from './graphql/schema.js';
import { createHttpServer } from './http/server.js';
import { createMailer } from './notifications/mailer.js';
import { Notifier } from './notifications/notifier.js';
import { NotificationQueue } from './notifications/queue.js';
import { SealedBox } from './notifications/sealed-box.js';
import { RateLimits } from './security/rate-limits.js';
import { createLogger } from './shared/logger.js';
import { Webhooks } from './webhooks/webhooks.js';

export interface App {
  config: Config;
  orm: MikroORM;
  fastify: FastifyInstance;
  services: AppServices;
  /** Base URL the HTTP server listens on, e.g. http://127.0.0.1:4000 */
  url: string;
  /** Drains HTTP, lets running jobs finish, closes the ORM and stops the embedded PostgreSQL. */
  close(): Promise<void>;
}

interface StartOptions {
  /** Progress messages for the operator (the demo login among them). */
  log?: (msg: string) => void;
  /** Called with every SQL statement the ORM runs (statement counts in tests and benchmarks). */
  onQuery?: (sql: string) => void;
  /** The clock services read "now" from (epoch milliseconds); tests pin it. */
  clock?: () => number;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: Writable;
}

/** SECRET_KEY, or outside production a key kept in DATA_DIR/secret.key (made on first use). */
async function secretKey(config: Config): Promise<string> {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, 'secret.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const key = randomBytes(32).toString('base64url');
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    return key;
  }
}

/** Composition root: database, job queue and mail, rate limits, metrics, schema, HTTP server. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<App> {
  const log = options.log ?? (() => {});
  const clock = options.clock ?? Date.now;
  const logger = createLogger(config, options.logStream);
  const database = await openDatabase(config, log, options.onQuery);
  const orm = database.orm;
  const queue = new NotificationQueue(database.url, config);
  const limits = new RateLimits(database.url, config, logger);
  const mailer = createMailer(config, logger);
  const feed = new ChangeFeed(
    {
      url: config.changeFeedDatabaseUrl ?? database.url,
      probeUrl: database.url,
      probeIntervalMs: config.changeFeedProbeSeconds * 1000,
    },
    logger,
  );
  try {
    await feed.start();
    const metrics = new Metrics(orm, queue);
    limits.onLimited = (limit) => metrics.rateLimited.inc({ limit });
    const box = new SealedBox(await secretKey(config));
    const notifier = new Notifier(orm, config, queue, mailer, box, logger, () =>
      metrics.notificationsFailed.inc(),
    );
    const webhooks = new Webhooks(orm, config, queue, box, notifier, logger);
    const services: AppServices = {
      orm,
      config,
      clock,
      notifier,
      webhooks,
      limits,
      metrics,
      caches: new Caches(feed, { answerBytes: config.responseCacheMb * 1024 * 1024 }),
    };
    const schema = await createSchema();
    const { fastify } = await createHttpServer({ config, schema, services, logger });
    await limits.start();
    let outageLoggedAt = 0;
    await queue.start((err) => {
      if (!isDatabaseOutage(err)) return logger.error({ err }, 'job queue error');
      // The queue polls on its own and resumes when the database is back: a line now and then.
      if (Date.now() - outageLoggedAt < 30_000) return;
      outageLoggedAt = Date.now();
      logger.warn({ err }, 'job queue cannot reach the database; it retries on its own');
    });
    await queue.work(
      (job) => notifier.deliver(job),
      (job) => notifier.dead(job),
    );
    await queue.workWebhooks((job) => webhooks.deliver(job));
    // Reminders whose time has come (by the app's clock) are queued like any other email.
    let sweeping = false;
    const reminderSweep = setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      notifier
        .releaseDue(new Date(clock()))
        .catch((err: unknown) => {
          if (!isDatabaseOutage(err)) logger.error({ err }, 'reminder sweep failed');
        })
        .finally(() => {
          sweeping = false;
        });
    }, config.jobsSuperviseSeconds * 1000);
    reminderSweep.unref();
    if (database.embedded && config.demoData) {
      await seedDemoData(services, log);
    }
    await fastify.listen({ host: config.host, port: config.port });
    const address = fastify.server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host}:${address.port}`;
    let closing: Promise<void> | undefined;
    return {
      config,
      orm,
      fastify,
      services,
      url,
      close() {
        closing ??= (async () => {
          clearInterval(reminderSweep);
          await fastify.close();
          await queue.stop();
          await limits.stop();
          await feed.stop();
          mailer.close();
          await database.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await queue.stop().catch(() => {});
    await limits.stop().catch(() => {});
    await feed.stop();
    await database.close();
    throw err;
  }
}
