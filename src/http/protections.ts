import fastifyCors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { AppServices } from '../context/request-context.js';
import { ApiError } from '../shared/errors.js';
import { tenantSources } from '../tenancy/tenant-sources.js';

/**
 * Content-Security-Policy for every response (the console is the only HTML): scripts,
 * styles, fonts and requests from this origin only; inline style attributes are allowed
 * because the GraphiQL editor positions its text with them. No framing, no plugins.
 */
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

function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * Whether a browser at `origin` may call the API for the tenant this request names: its own
 * origin (the console) always; another only if every tenant the request names lists it in
 * `allowedOrigins`. Null when the request names no tenant (the caller decides). Tenants come
 * from the tenant cache, so a change of `allowedOrigins` applies at once, on every instance
 * (the change feed), and a name that cannot be a tenant's costs no lookup.
 */
async function originAllowed(
  services: AppServices,
  request: FastifyRequest,
  origin: string,
): Promise<boolean | null> {
  if (origin === ownOrigin(request)) return true;
  const sources = tenantSources({
    host: request.headers.host,
    xTenant: request.headers['x-tenant'],
    pathSlug:
      (request.params as { slug?: string } | undefined)?.slug ??
      /^\/t\/([^/]+)\//.exec(request.url)?.[1],
    baseDomain: services.config.baseDomain,
  });
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
  // Helmet's headers on every response, from one middleware built here: @fastify/helmet
  // built a new one for every request (a dozen closures and about 18 KB of garbage each).
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

  // A cross-origin request from a browser origin the tenant does not allow does nothing:
  // refused before it runs. The refusal itself may be read by that origin (it holds no data),
  // so that a frontend developer sees why in the browser instead of a bare "CORS error".
  fastify.addHook('preHandler', async (request) => {
    const origin = request.headers.origin;
    if (!origin) return;
    if (request.method === 'OPTIONS') {
      // A preflight names its tenant only by path or host (browsers send X-Tenant's name, not
      // its value): refused when that tenant does not list the origin, with the reason.
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
      // A preflight cannot name its tenant in X-Tenant (browsers send the header's name, not
      // its value): it is answered for the origin, and the request itself is checked above.
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
