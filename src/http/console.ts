import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { PROJECT_ROOT } from '../shared/paths.js';

const CONSOLE_PATH = '/console/';
const CONSOLE_DIR = path.join(PROJECT_ROOT, 'dist', 'console');

/** The admin console at /console/, when `npm run build` has built it. */
export async function registerConsole(fastify: FastifyInstance): Promise<boolean> {
  if (!existsSync(path.join(CONSOLE_DIR, 'index.html'))) return false;
  await fastify.register(fastifyStatic, {
    root: CONSOLE_DIR,
    prefix: CONSOLE_PATH,
    index: ['index.html'],
    // The build writes .br and .gz beside each file: sent to a browser that accepts them.
    preCompressed: true,
    // Source maps and licence texts are served too; nothing else lives in that folder.
    maxAge: '1h',
  });
  fastify.get('/console', (_request, reply) => reply.redirect(CONSOLE_PATH, 301));
  return true;
}
