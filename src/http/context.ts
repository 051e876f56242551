import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { authenticate } from '../access/authenticate.js';
import { CacheScope } from '../cache/scope.js';
import { type AppServices, contextFor, type RequestContext } from '../context/request-context.js';
import { isDatabaseOutage } from '../db/connections.js';
import { TENANT_FILTER } from '../db/tenant-filter.js';
import { requestError, serviceUnavailable } from '../shared/errors.js';
import { resolveTenant } from '../tenancy/tenant-resolver.js';
import { tenantSources } from '../tenancy/tenant-sources.js';
import { logFields } from './request-log.js';

/** Where the request names its tenant; `/t/<slug>/` counts before a route has matched too. */
export const sourcesOf = (request: FastifyRequest, baseDomain: string | undefined) =>
  tenantSources({
    host: request.headers.host,
    xTenant: request.headers['x-tenant'],
    pathSlug:
      (request.params as { slug?: string } | undefined)?.slug ??
      /^\/t\/([^/]+)\//.exec(request.url)?.[1],
    baseDomain,
  });

/** The request's context; SERVICE_UNAVAILABLE when the database cannot be reached for it. */
export async function buildRequestContext(
  app: AppServices,
  request: FastifyRequest,
): Promise<RequestContext> {
  try {
    return await contextOf(app, request);
  } catch (err) {
    if (isDatabaseOutage(err)) throw serviceUnavailable();
    throw err;
  }
}

const contextOf = (app: AppServices, request: FastifyRequest) =>
  callerContext(app, {
    sources: sourcesOf(request, app.config.baseDomain),
    authorization: request.headers.authorization,
    requestId: String(request.id ?? randomUUID()),
    ip: request.ip,
    logFields: logFields(request),
  });

/** What names the tenant and the caller, over HTTP or in a WebSocket's connection parameters. */
export interface Caller {
  sources: ReturnType<typeof tenantSources>;
  authorization: string | undefined;
  requestId: string;
  ip: string;
  logFields: RequestContext['logFields'];
}

/** The context of a caller: its tenant resolved, its credential checked, a unit of work of its own. */
export async function callerContext(app: AppServices, caller: Caller): Promise<RequestContext> {
  const { orm, config, caches } = app;
  // Before the first read: a change committed after this makes the answer unkeepable.
  const cache = new CacheScope(caches.feed.stamp());
  // One unit of work for the request; the tenant filter is set once the tenant is known.
  const em = orm.em.fork({ clear: true });
  let tenant = await resolveTenant(em, caller.sources, caches.tenants, cache.stamp);
  const auth = await authenticate(em, config, caller.authorization, tenant, {
    sessions: caches.sessions,
    stamp: cache.stamp,
  });
  if (!tenant && auth?.tenant) tenant = auth.tenant;
  if (tenant && !tenant.active) {
    throw requestError('TENANT_INACTIVE', `Tenant "${tenant.slug}" is not active`);
  }
  if (tenant) em.setFilterParams(TENANT_FILTER, { tenantId: tenant.id });
  return contextFor(app, em, {
    requestId: caller.requestId,
    tenant,
    actor: auth?.actor ?? null,
    ip: caller.ip,
    cache,
    logFields: caller.logFields,
  });
}
