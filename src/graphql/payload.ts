import type { Payload, Result } from '../shared/errors.js';

/** Fills a mutation payload from a service result: the value under `key`, or the user errors. */
export function toPayload<P extends Payload, K extends keyof P>(
  payload: P,
  key: K,
  result: Result<NonNullable<P[K]>>,
): P {
  if (result.ok) payload[key] = result.value;
  else payload.userErrors = result.errors;
  return payload;
}
