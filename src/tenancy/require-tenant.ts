import type { RequestContext } from '../context/request-context.js';
import { ApiError } from '../shared/errors.js';
import type { Tenant } from './tenant.entity.js';

/** The request's tenant, or TENANT_REQUIRED when the request named none. */
export function requireTenant(ctx: Pick<RequestContext, 'tenant'>): Tenant {
  if (!ctx.tenant) {
    throw new ApiError(
      'TENANT_REQUIRED',
      'This operation needs a tenant: use its subdomain, the X-Tenant header or /t/<slug>/graphql',
    );
  }
  return ctx.tenant;
}
