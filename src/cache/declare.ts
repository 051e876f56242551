import { type MiddlewareFn, UseMiddleware } from 'type-graphql';
import type { RequestContext } from '../context/request-context.js';

/**
 * On a query: its answer depends only on the tenant's data (as the change feed covers it),
 * the arguments and the caller, so a repeat may be answered from the response cache until
 * that data changes (and, where the resolver says so with `ctx.cache.holds`, until a time).
 */
export function KeepAnswer() {
  const keep: MiddlewareFn<RequestContext> = ({ context }, next) => {
    context.cache.keep();
    return next();
  };
  return UseMiddleware(keep);
}

/**
 * On a mutation: of the tables the change feed watches it writes only `tables`, so this
 * process keeps the caches of the others (a booking leaves the tenant and session caches).
 */
export function Writes(...tables: string[]) {
  const writes: MiddlewareFn<RequestContext> = ({ context }, next) => {
    context.cache.writes(tables);
    return next();
  };
  return UseMiddleware(writes);
}
