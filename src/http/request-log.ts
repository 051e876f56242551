import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { LogFields } from '../context/request-context.js';

/** Paths that probes and scrapers call every few seconds: logged at debug, not info. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

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
 * Fastify's request logging, as one line per request at info (debug for probes), written when
 * the response has been sent: request id (from the logger's bindings), method, path without
 * the query string (a search can hold a customer's name), status, duration, and what the
 * handler added (the GraphQL operation, tenant, caller kind, outcome and error codes).
 * Fastify's own "incoming request" line is dropped, and so is its second line for a client
 * error the default handler answered (the status is on the request's line); a server error
 * is still logged with its stack.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const path = request.url.split('?')[0] ?? '';
    const level = error ? 'error' : PROBES.has(path) ? 'debug' : 'info';
    request.log[level](
      {
        method: request.method,
        path,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        ...fieldsOf.get(request),
        ...(error ? { err: error } : {}),
      },
      'request',
    );
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) super.defaultErrorLog(error, request, reply);
  }
}
