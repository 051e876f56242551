// Operator commands: `reset-password <tenant> <email>` (npm run admin -- reset-password ...).
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OperatorError, resetPasswordByOperator } from '../access/operator.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { pidIsAlive } from '../db/embedded-postgres.js';

const USAGE = 'usage: npm run admin -- reset-password <tenant> <email>';

/** The embedded cluster's server, when one runs: a second start would stop it under the app. */
function runningEmbeddedServer(dataDir: string): number | null {
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && pidIsAlive(pid) ? pid : null;
}

async function run(): Promise<void> {
  const [command, slug, email, ...rest] = process.argv.slice(2);
  if (command !== 'reset-password' || !slug || !email || rest.length) {
    throw new OperatorError(USAGE);
  }
  const config = loadConfig();
  const pid = config.databaseUrl ? null : runningEmbeddedServer(config.dataDir);
  if (pid) {
    throw new OperatorError(
      `The server's embedded PostgreSQL is running (pid ${pid}) on ${config.dataDir}: stop the server first, or point DATABASE_URL at the database`,
    );
  }
  const db = await openDatabase(config, (msg) => process.stderr.write(`${msg}\n`));
  try {
    const password = await resetPasswordByOperator(db.orm, slug, email);
    process.stdout.write(
      `New password for ${email} of "${slug}" (shown only now; their sessions have ended):\n${password}\n`,
    );
  } finally {
    await db.close();
  }
}

run().catch((err) => {
  const text = err instanceof OperatorError ? err.message : String(err?.stack ?? err);
  process.stderr.write(`${text}\n`);
  process.exit(1);
});
