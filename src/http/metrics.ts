import type { FastifyInstance } from 'fastify';
import { constantTimeEquals } from '../access/secrets.js';
import type { Config } from '../config.js';
import type { Metrics } from '../context/metrics.js';

/** GET /metrics in Prometheus text format, for a bearer of METRICS_TOKEN only (off without one). */
export function registerMetricsRoute(
  fastify: FastifyInstance,
  metrics: Metrics,
  config: Config,
): void {
  const token = config.metricsToken;
  if (!token) return;
  fastify.get('/metrics', async (request, reply) => {
    const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!constantTimeEquals(given, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'metrics need the METRICS_TOKEN bearer token' });
    }
    return reply
      .header('content-type', metrics.registry.contentType)
      .send(await metrics.registry.metrics());
  });
}
