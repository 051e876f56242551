#!/usr/bin/env node
/**
 * Builds the admin console (src/console) into dist/console: the script, its stylesheet, the
 * editor's three web workers (GraphiQL 5's Monaco) and the page, all served by the API from
 * its own origin (no CDN, works offline).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'console');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: {
    console: join(root, 'src/console/main.tsx'),
    'editor.worker': join(root, 'node_modules/monaco-editor/esm/vs/editor/editor.worker.js'),
    'json.worker': join(root, 'node_modules/monaco-editor/esm/vs/language/json/json.worker.js'),
    'graphql.worker': join(root, 'node_modules/monaco-graphql/esm/graphql.worker.js'),
  },
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
  assetNames: '[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync(join(root, 'src/console/index.html'), join(out, 'index.html'));
// Compressed once here, served as they are (@fastify/static's preCompressed): the browser
// downloads about a quarter of the script, and the server spends no CPU on it per request.
for (const name of readdirSync(out)) {
  if (!/\.(js|css|html|svg|ttf)$/.test(name)) continue;
  const body = readFileSync(join(out, name));
  writeFileSync(
    join(out, `${name}.br`),
    brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
  writeFileSync(join(out, `${name}.gz`), gzipSync(body, { level: 9 }));
}
