#!/usr/bin/env node
/**
 * Builds the admin console (src/console) into dist/console: one script, one stylesheet and
 * the page, all served by the API from its own origin (no CDN, works offline).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'console');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { console: join(root, 'src/console/main.tsx') },
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync(join(root, 'src/console/index.html'), join(out, 'index.html'));
