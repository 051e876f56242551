import { type MiddlewareFn, UseMiddleware } from 'type-graphql';
import type { RequestContext } from '../context/request-context.js';
import { requireTenant } from '../tenancy/require-tenant.js';

/** A write by the public costs the client and the tenant a point (429 when either is spent). */
export async function chargePublicWrite(context: RequestContext): Promise<void> {
  const tenant = requireTenant(context);
  if (context.ip) {
    await context.limits.consume('publicWriteIp', context.ip, 'booking requests from this address');
  }
  await context.limits.consume(
    'publicWriteTenant',
    tenant.id,
    `booking requests for ${tenant.slug}`,
  );
}

/** A mutation the public calls to write: charged as `chargePublicWrite` says. */
export function PublicWrite() {
  const limit: MiddlewareFn<RequestContext> = async ({ context }, next) => {
    await chargePublicWrite(context);
    return next();
  };
  return UseMiddleware(limit);
}
