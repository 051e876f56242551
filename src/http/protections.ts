import fastifyCors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { AppServices } from '../context/request-context.js';
import { ApiError } from '../shared/errors.js';
import { sourcesOf } from './context.js';

/** Everything from this origin only; inline style attributes, which the GraphiQL editor needs. */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Paths that probes and scrapers call, outside the general rate limit. */
const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics']);

/** Whether a browser at `origin` may call: its own origin, or one every named tenant allows. */
async function originAllowed(
  services: AppServices,
  request: FastifyRequest,
  origin: string,
): Promise<boolean | null> {
  if (origin === `${request.protocol}://${request.host}`) return true;
  const sources = sourcesOf(request, services.config.baseDomain);
  if (sources.length === 0) return null;
  const em = services.orm.em.fork();
  const stamp = services.caches.feed.stamp();
  for (const source of sources) {
    const tenant = await services.caches.tenants.find(em, source, stamp);
    if (!tenant?.allowedOrigins.includes(origin)) return false;
  }
  return true;
}

/** What a browser developer reads when their origin is refused (docs/API.md, "CORS"). */
function originRefused(origin: string): string {
  return `The origin ${origin} may not call this API for this tenant: an admin adds it to the tenant's allowedOrigins (updateTenant), which applies at once`;
}

export async function registerProtections(
  fastify: FastifyInstance,
  services: AppServices,
): Promise<void> {
  // Helmet's headers from one middleware built once (@fastify/helmet builds one per request).
  const securityHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (err) =>
      done(err === undefined || err instanceof Error ? err : new Error(String(err))),
    );
  });

  // General limit per client address, before anything else runs (429 from the error handler).
  fastify.addHook('onRequest', async (request) => {
    if (UNLIMITED.has(request.url.split('?')[0] ?? '')) return;
    await services.limits.consume('general', request.ip, 'requests from this address');
  });

  // Refused before it runs, readably, so a frontend developer sees why instead of "CORS error".
  fastify.addHook('preHandler', async (request) => {
    const origin = request.headers.origin;
    if (!origin) return;
    if (request.method === 'OPTIONS') {
      // A preflight names its tenant by path or host only (browsers send X-Tenant's name).
      if (
        request.headers['access-control-request-method'] &&
        (await originAllowed(services, request, origin)) === false
      ) {
        throw new ApiError('FORBIDDEN', originRefused(origin), {
          http: true,
          headers: { vary: 'Origin' },
        });
      }
      return;
    }
    // Allowed: the server's own origin, or one every named tenant lists (naming none is not enough).
    if ((await originAllowed(services, request, origin)) !== true) {
      throw new ApiError('FORBIDDEN', originRefused(origin), {
        http: true,
        headers: { 'access-control-allow-origin': origin, vary: 'Origin' },
      });
    }
  });

  await fastify.register(fastifyCors, {
    hook: 'preHandler',
    delegator: async (request: FastifyRequest) => {
      const origin = request.headers.origin;
      if (!origin) return { origin: false };
      // A preflight naming no tenant is answered for the origin; the request itself is checked.
      const allowed =
        request.method === 'OPTIONS'
          ? (await originAllowed(services, request, origin)) !== false
          : await originAllowed(services, request, origin);
      return {
        origin: allowed === true ? origin : false,
        methods: ['GET', 'POST', 'OPTIONS'],
        allowedHeaders: [
          'content-type',
          'authorization',
          'x-tenant',
          'apollo-require-preflight',
          'x-apollo-operation-name',
        ],
        maxAge: 600,
      };
    },
  });
}
