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

/** One line per request when the response is sent; the path without its query (names in it). */
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
