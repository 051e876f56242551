import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/shared/paths.js';

/** The built entry point (`node dist/src/main.js`, built by `npm test`) running as a child process. */
export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * Spawns the server as `npm start` runs it (the built file itself, with its V8 flags) with
 * `env` (and PATH, HOME, LOG_LEVEL=warn unless given); `nodeArgs` go in NODE_OPTIONS. With
 * `processGroup`, it leads a process group of its own, as a shell's foreground job does, so
 * that a signal can go to the whole group as a terminal's Ctrl-C sends it.
 */
export function spawnServer(
  env: Record<string, string>,
  nodeArgs: string[] = [],
  options: { processGroup?: boolean } = {},
): ServerProcess {
  const child = spawn(path.join(PROJECT_ROOT, 'dist/src/main.js'), [], {
    cwd: PROJECT_ROOT,
    detached: options.processGroup ?? false,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: nodeArgs.join(' '),
      HOME: process.env.HOME ?? '/root',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, pid: child.pid ?? 0, stdout: () => out, stderr: () => err, exited };
}

/** Waits until the server has printed `text` (by default, that it serves). */
export async function waitForOutput(
  server: ServerProcess,
  text = 'GraphQL API:',
  timeoutMs = 60_000,
): Promise<void> {
  const start = Date.now();
  while (!server.stdout().includes(text)) {
    if (server.child.exitCode !== null) {
      throw new Error(
        `server exited (${server.child.exitCode}): ${server.stdout()}\n${server.stderr()}`,
      );
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for "${text}": ${server.stdout()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A server on `port` against `databaseUrl`, started and serving. */
export async function launchServer(
  port: number,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ServerProcess & { url: string }> {
  const server = spawnServer({ PORT: String(port), HOST: '127.0.0.1', ...env }, nodeArgs);
  await waitForOutput(server);
  return { ...server, url: `http://127.0.0.1:${port}` };
}
