import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Paths that probes and scrapers call every few seconds: logged at debug, not info. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** What the handlers learned about a request (tenant, operation, outcome), for its log line. */
export type LogFields = Record<string, unknown>;

const fieldsOf = new WeakMap<FastifyRequest, LogFields>();

/** The request's log fields, for a handler to add to; written once, when the response is sent. */
export function logFields(request: FastifyRequest): LogFields {
  let fields = fieldsOf.get(request);
  if (!fields) {
    fields = {};
    fieldsOf.set(request, fields);
  }
  return fields;
}

/**
 * One log line per request, at info (debug for probes), written when the response has been
 * sent: request id (from the logger's bindings), method, path without the query string (a
 * search can hold a customer's name), status, duration, and what the handler added (the
 * GraphQL operation, tenant, caller kind, outcome and error codes). Fastify's own two lines
 * per request are off (`disableRequestLogging`).
 */
export function registerRequestLog(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?')[0] ?? '';
    const level = PROBES.has(path) ? 'debug' : 'info';
    request.log[level](
      {
        method: request.method,
        path,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        ...fieldsOf.get(request),
      },
      'request',
    );
    done();
  });
}
