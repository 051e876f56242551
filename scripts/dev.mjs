#!/usr/bin/env node
/**
 * `npm run dev`: rebuild on change (tsc --watch) and restart the server when the compiled
 * output changes (node --watch). The server shuts down gracefully on each restart, stopping
 * the embedded PostgreSQL, and starts it again with its data.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

rmSync(join(root, 'dist'), { recursive: true, force: true });
const first = spawnSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (first.status !== 0) process.exit(first.status ?? 1);

const children = [
  spawn(tsc, ['-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {
    cwd: root,
    stdio: 'inherit',
  }),
  spawn(process.execPath, ['--watch-path=dist', '--watch-preserve-output', 'dist/src/main.js'], {
    cwd: root,
    stdio: 'inherit',
  }),
];

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill(signal);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
let running = children.length;
for (const child of children) {
  child.on('exit', () => {
    running -= 1;
    if (!stopping) stop('SIGTERM');
    if (running === 0) process.exit(0);
  });
}
