import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/database.js';
import { seedDemoData } from './db/demo-data.js';
import { createSchema } from './graphql/schema.js';
import { createHttpServer } from './http/server.js';

export interface App {
  config: Config;
  orm: MikroORM;
  fastify: FastifyInstance;
  /** Base URL the HTTP server listens on, e.g. http://127.0.0.1:4000 */
  url: string;
  /** Drains HTTP, closes the ORM and stops the embedded PostgreSQL, in that order. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Progress messages for the operator (the demo login among them). */
  log?: (msg: string) => void;
  /** Called with every SQL statement the ORM runs (statement counts in tests and benchmarks). */
  onQuery?: (sql: string) => void;
  /** The clock services read "now" from (epoch milliseconds); tests pin it. */
  clock?: () => number;
}

/** Composition root: database, schema, HTTP server. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<App> {
  const log = options.log ?? (() => {});
  const clock = options.clock ?? Date.now;
  const database: Database = await openDatabase(config, log, options.onQuery);
  const orm = database.orm;
  try {
    if (database.embedded && config.demoData) {
      await seedDemoData({ orm, config, clock }, log);
    }
    const schema = await createSchema();
    const { fastify } = await createHttpServer({
      config,
      orm,
      schema,
      clock,
    });
    await fastify.listen({ host: config.host, port: config.port });
    const address = fastify.server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host}:${address.port}`;
    let closing: Promise<void> | undefined;
    return {
      config,
      orm,
      fastify,
      url,
      close() {
        closing ??= (async () => {
          await fastify.close();
          await database.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
