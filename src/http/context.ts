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

async function contextOf(app: AppServices, request: FastifyRequest): Promise<RequestContext> {
  const { orm, config, caches } = app;
  // Before the first read: a change committed after this makes the answer unkeepable.
  const cache = new CacheScope(caches.feed.stamp());
  // One unit of work for the request; the tenant filter is set once the tenant is known.
  const em = orm.em.fork({ clear: true });
  const sources = sourcesOf(request, config.baseDomain);
  let tenant = await resolveTenant(em, sources, caches.tenants, cache.stamp);
  const auth = await authenticate(em, config, request.headers.authorization, tenant, {
    sessions: caches.sessions,
    stamp: cache.stamp,
  });
  if (!tenant && auth?.tenant) tenant = auth.tenant;
  if (tenant && !tenant.active) {
    throw requestError('TENANT_INACTIVE', `Tenant "${tenant.slug}" is not active`);
  }
  if (tenant) em.setFilterParams(TENANT_FILTER, { tenantId: tenant.id });
  return contextFor(app, em, {
    requestId: String(request.id ?? randomUUID()),
    tenant,
    actor: auth?.actor ?? null,
    ip: request.ip,
    cache,
    logFields: logFields(request),
  });
}
