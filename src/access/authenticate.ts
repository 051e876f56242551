import type { EntityManager } from '@mikro-orm/postgresql';
import type { SessionCache } from '../cache/sessions.js';
import type { Config } from '../config.js';
import { requestError } from '../shared/errors.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { findSession } from './access.store.js';
import type { Actor } from './actor.js';
import { ApiKey } from './api-key.entity.js';
import { constantTimeEquals, sha256Hex, TOKEN_PREFIX } from './secrets.js';

interface Authentication {
  actor: Actor;
  /** The credential's own tenant (null for the platform operator). */
  tenant: Tenant | null;
}

/** One message for every credential that does not work here, so none can be probed. */
const INVALID = 'Invalid or expired credential';
/** lastUsedAt of an API key is written at most this often. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Verifies the bearer token: none is anonymous; anything but a valid one is UNAUTHENTICATED. */
export async function authenticate(
  em: EntityManager,
  config: Config,
  header: string | undefined,
  requestTenant: Tenant | null,
  cache?: { sessions: SessionCache; stamp: number },
): Promise<Authentication | null> {
  if (header === undefined || header.trim() === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw requestError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"');
  }
  const token = match[1];

  if (config.platformAdminToken && constantTimeEquals(token, config.platformAdminToken)) {
    return { actor: { kind: 'PLATFORM', role: null, tenantId: null }, tenant: null };
  }

  const now = new Date();
  const ensureTenant = async (tenantId: string): Promise<Tenant> => {
    if (requestTenant) {
      if (requestTenant.id !== tenantId) throw requestError('UNAUTHENTICATED', INVALID);
      return requestTenant;
    }
    const tenant = await em.findOne(Tenant, { id: tenantId });
    if (!tenant) throw requestError('UNAUTHENTICATED', INVALID);
    return tenant;
  };

  if (token.startsWith(`${TOKEN_PREFIX.session}_`)) {
    // From the session cache while the tenant is unchanged, else one plain row.
    const tokenHash = sha256Hex(token);
    let session = cache?.sessions.get(tokenHash) ?? null;
    if (!session) {
      session = await findSession(em, tokenHash);
      if (session && cache) cache.sessions.set(tokenHash, session, cache.stamp);
    }
    if (!session || session.revokedAt || session.expiresAt.getTime() <= now.getTime()) {
      throw requestError('UNAUTHENTICATED', INVALID);
    }
    const tenant = await ensureTenant(session.tenant);
    return {
      actor: {
        kind: 'USER',
        role: session.role,
        tenantId: tenant.id,
        userId: session.user,
        sessionId: session.id,
        email: session.email,
        resourceIds: session.resourceIds,
      },
      tenant,
    };
  }

  if (token.startsWith(`${TOKEN_PREFIX.apiKey}_`)) {
    const key = await em.findOne(ApiKey, { secretHash: sha256Hex(token) }, { filters: false });
    if (!key || key.revokedAt) throw requestError('UNAUTHENTICATED', INVALID);
    const tenant = await ensureTenant(key.tenant.id);
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: now }, { filters: false });
    }
    return {
      actor: {
        kind: 'API_KEY',
        role: key.role,
        tenantId: tenant.id,
        apiKeyId: key.id,
        name: key.name,
      },
      tenant,
    };
  }

  throw requestError('UNAUTHENTICATED', INVALID);
}
