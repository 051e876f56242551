import { type MiddlewareFn, UseMiddleware } from 'type-graphql';
import type { RequestContext } from '../context/request-context.js';
import { requireTenant } from '../tenancy/require-tenant.js';

/** A mutation the public calls to write: each call costs the client and the tenant a point. */
export function PublicWrite() {
  const limit: MiddlewareFn<RequestContext> = async ({ context }, next) => {
    const tenant = requireTenant(context);
    if (context.ip) {
      await context.limits.consume(
        'publicWriteIp',
        context.ip,
        'booking requests from this address',
      );
    }
    await context.limits.consume(
      'publicWriteTenant',
      tenant.id,
      `booking requests for ${tenant.slug}`,
    );
    return next();
  };
  return UseMiddleware(limit);
}
