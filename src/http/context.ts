import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../access/actor.js';
import { authenticate } from '../access/authenticate.js';
import type { SessionCache } from '../access/session-cache.js';
import type { Config } from '../config.js';
import type { ChangeFeed } from '../db/change-feed.js';
import { isDatabaseOutage } from '../db/connections.js';
import { TENANT_FILTER } from '../db/tenant-filter.js';
import { CacheScope } from '../graphql/response-cache.js';
import type { Notifier } from '../notifications/notifier.js';
import type { RateLimits } from '../security/rate-limits.js';
import { requestError, serviceUnavailable } from '../shared/errors.js';
import type { Tenant } from '../tenancy/tenant.entity.js';
import type { TenantCache } from '../tenancy/tenant-cache.js';
import { resolveTenant } from '../tenancy/tenant-resolver.js';
import { tenantSources } from '../tenancy/tenant-sources.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { Metrics } from './metrics.js';
import { type LogFields, logFields } from './request-log.js';

/**
 * Everything a resolver and a service get about the request: its own unit of work (an
 * EntityManager fork with the tenant filter set), the resolved tenant, who is calling, and
 * the request's DataLoaders.
 */
export interface RequestContext {
  requestId: string;
  em: EntityManager;
  tenant: Tenant | null;
  actor: Actor | null;
  loaders: Loaders;
  config: Config;
  /** The current instant, epoch milliseconds (one clock for the whole app; tests pin it). */
  now(): number;
  notifier: Notifier;
  limits: RateLimits;
  metrics: Metrics;
  /** The client's address (X-Forwarded-For counts only from TRUSTED_PROXIES); null for the server's own work. */
  ip: string | null;
  /** Whether the answer may be kept by the response cache (src/graphql/response-cache.ts). */
  cache: CacheScope;
  /** Added to the request's one log line (src/http/request-log.ts). */
  logFields: LogFields;
}

export interface AppServices {
  orm: MikroORM;
  config: Config;
  clock: () => number;
  notifier: Notifier;
  limits: RateLimits;
  metrics: Metrics;
  /** Hears of committed changes to tenants' data, for the read caches. */
  feed: ChangeFeed;
  tenants: TenantCache;
  sessions: SessionCache;
}

export function forkForTenant(orm: MikroORM, tenantId: string | null): EntityManager {
  const em = orm.em.fork({ clear: true });
  if (tenantId) em.setFilterParams(TENANT_FILTER, { tenantId });
  return em;
}

/**
 * The request's context; SERVICE_UNAVAILABLE (HTTP 503, Retry-After) when the database
 * cannot be reached to resolve the tenant or the credential.
 */
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
  const { orm, config } = app;
  // Before the first read: a change committed after this makes the answer unkeepable.
  const cache = new CacheScope(app.feed.stamp());
  // One unit of work for the whole request: the tenant and the caller are looked up in it
  // (tenant-owned lookups there pass `filters: false`), then the tenant filter is set.
  const em = orm.em.fork({ clear: true });
  const pathSlug = (request.params as { slug?: string } | undefined)?.slug;
  const sources = tenantSources({
    host: request.headers.host,
    xTenant: request.headers['x-tenant'],
    pathSlug,
    baseDomain: config.baseDomain,
  });
  let tenant = await resolveTenant(em, sources, app.tenants, cache.stamp);
  const auth = await authenticate(em, config, request.headers.authorization, tenant, {
    sessions: app.sessions,
    stamp: cache.stamp,
  });
  if (!tenant && auth?.tenant) tenant = auth.tenant;
  if (tenant && !tenant.active) {
    throw requestError('TENANT_INACTIVE', `Tenant "${tenant.slug}" is not active`);
  }

  if (tenant) em.setFilterParams(TENANT_FILTER, { tenantId: tenant.id });
  return {
    requestId: String(request.id ?? randomUUID()),
    em,
    tenant,
    actor: auth?.actor ?? null,
    loaders: createLoaders(em),
    config,
    now: app.clock,
    notifier: app.notifier,
    limits: app.limits,
    metrics: app.metrics,
    ip: request.ip,
    cache,
    logFields: logFields(request),
  };
}

/**
 * A context for work the server does on its own behalf inside one tenant (demo data, jobs):
 * the same tenant-filtered unit of work as a request, with no caller.
 */
export function systemContext(app: AppServices, tenant: Tenant): RequestContext {
  const em = forkForTenant(app.orm, tenant.id);
  return {
    requestId: `system-${randomUUID()}`,
    em,
    tenant: em.merge(tenant),
    actor: null,
    loaders: createLoaders(em),
    config: app.config,
    now: app.clock,
    notifier: app.notifier,
    limits: app.limits,
    metrics: app.metrics,
    ip: null,
    cache: new CacheScope(app.feed.stamp()),
    logFields: {},
  };
}
