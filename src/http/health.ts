import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';

/** GET /healthz: the process is alive. GET /readyz: the database answers and is migrated. */
export function registerHealthRoutes(fastify: FastifyInstance, orm: MikroORM): void {
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
    return { status: 'ready', database: 'ok', pendingMigrations: 0 };
  });
}
