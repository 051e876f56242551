import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import type { ChangeFeed } from '../cache/change-feed.js';

/** GET /healthz: alive. GET /readyz: the database answers and is migrated; the feed's state. */
export function registerHealthRoutes(
  fastify: FastifyInstance,
  orm: MikroORM,
  feed: ChangeFeed,
): void {
  fastify.get('/healthz', async () => ({ status: 'ok' }));

  fastify.get('/readyz', async (_request, reply) => {
    try {
      await orm.em.getConnection().execute('select 1');
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
    }
    const pending = await orm.migrator.getPending();
    if (pending.length > 0) {
      return reply
        .code(503)
        .send({ status: 'unavailable', database: 'ok', pendingMigrations: pending.length });
    }
    return {
      status: 'ready',
      database: 'ok',
      pendingMigrations: 0,
      changeFeed: feed.live ? 'live' : 'off',
    };
  });
}
