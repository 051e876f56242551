import { type MiddlewareFn, Mutation, UseMiddleware } from 'type-graphql';
import type { Payload, Result } from '../shared/errors.js';

/** A mutation answering `type` from its resolver's `Result`: the value under `key`, or errors. */
export function PayloadMutation<P extends Payload>(
  type: new () => P,
  key?: keyof P & string,
  options?: { description?: string },
): MethodDecorator {
  const fill: MiddlewareFn = async (_data, next) => {
    const result = (await next()) as Result<unknown>;
    const payload = new type();
    if (!result.ok) payload.userErrors = result.errors;
    else if (key) Object.assign(payload, { [key]: result.value });
    else Object.assign(payload, result.value);
    return payload;
  };
  return (target, property, descriptor) => {
    Mutation(() => type, options)(target, property, descriptor);
    UseMiddleware(fill)(target, property, descriptor);
  };
}
