#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8 --heap-growing-percent=20
// The process's memory settings (glibc's malloc arenas, V8's heap), given once here: npm start,
// the Dockerfile and the bench run this file. docs/PERFORMANCE.md, "Memory", says why.
import 'reflect-metadata';
import { type App, startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { GRAPHQL_PATH } from './http/server.js';

const say = (msg: string) => process.stdout.write(`${msg}\n`);

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  let app: App | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal} received: shutting down`);
    try {
      await app?.close();
      say('stopped cleanly');
      process.exit(0);
    } catch (err) {
      process.stderr.write(`shutdown failed: ${String(err)}\n`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    app = await startApp(config, { log: say });
  } catch (err) {
    process.stderr.write(
      `start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  }
  if (stopping) return;
  // One write, so that whoever reads the banner from a pipe gets it whole.
  say(
    [
      `GraphQL API:  ${app.url}${GRAPHQL_PATH}`,
      `Per tenant:   ${app.url}/t/<slug>/graphql   (or the X-Tenant header)`,
      `Console:      ${app.url}/console/`,
      `Health:       ${app.url}/healthz   ${app.url}/readyz`,
      config.databaseUrl
        ? 'Database:     DATABASE_URL'
        : `Database:     embedded PostgreSQL in ${config.dataDir}/pg (port ${config.embeddedPgPort})`,
    ].join('\n'),
  );
}

void main();
