import { type ValidationError, validate } from 'class-validator';
import { daysInRange } from '../scheduling/zone-time.js';
import { badArgument, type UserError, UserErrorCode, userError } from './errors.js';

function flatten(errors: ValidationError[], path: string[], out: UserError[]): void {
  for (const error of errors) {
    const here = [...path, error.property];
    for (const message of Object.values(error.constraints ?? {})) {
      out.push(userError(UserErrorCode.INVALID_INPUT, message, here));
    }
    if (error.children?.length) flatten(error.children, here, out);
  }
}

/**
 * Runs the class-validator rules declared on an input class and returns them as user errors
 * whose `field` is the path from the argument (e.g. ["input", "durationMinutes"]).
 */
export async function validateInput(input: object, path: string[]): Promise<UserError[]> {
  const errors = await validate(input, {
    forbidUnknownValues: false,
    skipMissingProperties: false,
    validationError: { target: false, value: false },
  });
  const out: UserError[] = [];
  flatten(errors, path, out);
  return out;
}

export function invalid(field: string[], message: string): UserError {
  return userError(UserErrorCode.INVALID_INPUT, message, field);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** IDs are UUIDs; anything else cannot name a row and is answered as "not found". */
export function isId(value: string): boolean {
  return UUID.test(value);
}

/**
 * Refuses a range of local dates that ends before it starts or spans more than `maxDays`, as
 * BAD_USER_INPUT on the `to` argument.
 */
export function checkLocalDateRange(from: string, to: string, maxDays: number): void {
  if (from > to) throw badArgument(['to'], `to (${to}) must not be before from (${from})`);
  const days = daysInRange(from, to);
  if (days > maxDays) {
    throw badArgument(['to'], `from..to may span at most ${maxDays} days (got ${days})`);
  }
}
