import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Actor } from '../access/actor.js';
import type { Caches } from '../cache/caches.js';
import { CacheScope } from '../cache/scope.js';
import type { Config } from '../config.js';
import { forkForTenant } from '../db/tenant-filter.js';
import type { Notifier } from '../notifications/notifier.js';
import type { RateLimits } from '../security/rate-limits.js';
import type { Tenant } from '../tenancy/tenant.entity.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { Metrics } from './metrics.js';

/** What the handlers learned about a request (tenant, operation, outcome), for its log line. */
export type LogFields = Record<string, unknown>;

/** What a resolver and a service get: the unit of work, tenant, caller and loaders. */
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
  webhooks: Webhooks;
  limits: RateLimits;
  metrics: Metrics;
  /** The client's address (X-Forwarded-For counts only from TRUSTED_PROXIES); null for the server's own work. */
  ip: string | null;
  /** Whether the answer may be kept by the response cache (src/cache/scope.ts). */
  cache: CacheScope;
  /** Added to the request's one log line (src/http/request-log.ts). */
  logFields: LogFields;
  /** A long-lived operation's caller as the credential says now (subscriptions); null: it no longer works. */
  reauthenticate?: () => Promise<Actor | null>;
}

/** The process's services, made once by the composition root (src/app.ts). */
export interface AppServices {
  orm: MikroORM;
  config: Config;
  clock: () => number;
  notifier: Notifier;
  webhooks: Webhooks;
  limits: RateLimits;
  metrics: Metrics;
  /** The read caches and the change feed that keeps them true. */
  caches: Caches;
}

/** The context of a request or of the server's own work, around its unit of work. */
export function contextFor(
  app: AppServices,
  em: EntityManager,
  who: Pick<RequestContext, 'requestId' | 'tenant' | 'actor' | 'ip' | 'cache' | 'logFields'>,
): RequestContext {
  return {
    ...who,
    em,
    loaders: createLoaders(em),
    config: app.config,
    now: app.clock,
    notifier: app.notifier,
    webhooks: app.webhooks,
    limits: app.limits,
    metrics: app.metrics,
  };
}

/** A context for the server's own work inside one tenant (demo data, jobs), with no caller. */
export function systemContext(app: AppServices, tenant: Tenant): RequestContext {
  const em = forkForTenant(app.orm, tenant.id);
  return contextFor(app, em, {
    requestId: `system-${randomUUID()}`,
    tenant: em.merge(tenant),
    actor: null,
    ip: null,
    cache: new CacheScope(app.caches.feed.stamp()),
    logFields: {},
  });
}
