import { type MiddlewareFn, UseMiddleware } from 'type-graphql';
import type { RequestContext } from '../context/request-context.js';

/** On a query: its answer depends only on the tenant's data, arguments and caller: keep it. */
export function KeepAnswer() {
  const keep: MiddlewareFn<RequestContext> = ({ context }, next) => {
    context.cache.keep();
    return next();
  };
  return UseMiddleware(keep);
}

/** On a mutation: it writes only `tables`, so this process keeps the caches of the others. */
export function Writes(...tables: string[]) {
  const writes: MiddlewareFn<RequestContext> = ({ context }, next) => {
    context.cache.writes(tables);
    return next();
  };
  return UseMiddleware(writes);
}
