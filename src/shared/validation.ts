import {
  registerDecorator,
  type ValidationArguments,
  type ValidationError,
  validateSync,
} from 'class-validator';
import { daysInRange } from '../scheduling/zone-time.js';
import { badArgument, type UserError, UserErrorCode, userError } from './errors.js';
import { canonicalLocale, hasCatalogue, LANGUAGES } from './locale.js';

// class-validator rules on the input and argument classes; every message starts with the path.

/** Per input class, the fields that may be omitted but not given as null (`@NotNull`). */
const NOT_NULL = new Map<object, Set<string>>();

function notNullFields(value: object): string[] {
  const out: string[] = [];
  for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
    out.push(...(NOT_NULL.get(proto.constructor) ?? []));
  }
  return out;
}

/** Rules that check each item of an array: their failures are reported per index. */
const ITEM_RULES = new Map<string, (item: unknown) => boolean>();
let rules = 0;

/** "customer.name": the path from the argument, without the conventional `input`. */
const described = (path: readonly string[]) =>
  (path[0] === 'input' && path.length > 1 ? path.slice(1) : path).join('.');

/** The message: the path, then the rule ("must be ...") or, for a whole sentence, a colon. */
const sentence = (path: readonly string[], rule: string) =>
  /^(must|cannot|may)\b/.test(rule) ? `${described(path)} ${rule}` : `${described(path)}: ${rule}`;

function flatten(errors: ValidationError[], path: string[], out: UserError[]): void {
  for (const error of errors) {
    const here = [...path, error.property];
    for (const [name, message] of Object.entries(error.constraints ?? {})) {
      // Messages name their property first ("$property must ..."): the path replaces it.
      const rule = message.startsWith(`${error.property} `)
        ? message.slice(error.property.length + 1)
        : message;
      const item = ITEM_RULES.get(name);
      if (item && Array.isArray(error.value)) {
        error.value.forEach((value, i) => {
          const at = [...here, String(i)];
          if (!item(value)) {
            out.push(userError(UserErrorCode.INVALID_INPUT, sentence(at, rule), at));
          }
        });
      } else {
        out.push(userError(UserErrorCode.INVALID_INPUT, sentence(here, rule), here));
      }
    }
    if (error.children?.length) flatten(error.children, here, out);
  }
}

const OPTIONS = {
  forbidUnknownValues: false,
  skipMissingProperties: false,
  validationError: { target: false, value: true },
} as const;

/** The rules on an argument's class (or each item of a list) as user errors at their path. */
export async function validateInput(
  value: object | readonly object[],
  path: string[],
): Promise<UserError[]> {
  const out: UserError[] = [];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries())
      out.push(...(await validateInput(item, [...path, String(i)])));
    return out;
  }
  // A null where only omission keeps the value is the field's one error.
  const nulls = notNullFields(value).filter(
    (key) => (value as Record<string, unknown>)[key] === null,
  );
  for (const key of nulls) {
    const at = [...path, key];
    out.push(userError(UserErrorCode.INVALID_INPUT, sentence(at, NOT_NULL_RULE), at));
  }
  const checked = nulls.length
    ? Object.assign(
        Object.create(Object.getPrototypeOf(value)),
        value,
        ...nulls.map((k) => ({ [k]: undefined })),
      )
    : value;
  flatten(validateSync(checked, OPTIONS), path, out);
  return out;
}

/** For queries, which have no payload: the first broken rule as BAD_USER_INPUT. */
export async function checkArgs(value: object, path: string[] = []): Promise<void> {
  const [first] = await validateInput(value, path);
  if (first) throw badArgument(first.field ?? path, first.message);
}

/** A rule of the value and its object, skipped when omitted; `message` says what it must be. */
export function Rule(
  check: (value: unknown, object: Record<string, unknown>) => boolean,
  message: string | ((args: ValidationArguments) => string),
  options: { name?: string; checkUndefined?: boolean } = {},
): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: options.name ?? `rule${++rules}`,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          (value === undefined && !options.checkUndefined) ||
          check(value, args.object as Record<string, unknown>),
      },
    });
  };
}

/** Text whose trimmed length is `min` to `max` characters (null and undefined pass). */
export function Trimmed(min: number, max: number): PropertyDecorator {
  return Rule(
    (value) =>
      value == null ||
      (typeof value === 'string' && value.trim().length >= min && value.trim().length <= max),
    min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`,
  );
}

/** A whole number from `min` to `max` (null and undefined pass); `below` and `above` say why not. */
export function Whole(
  min: number,
  max = Number.POSITIVE_INFINITY,
  below = min === 0 ? 'must be 0 or more' : `must be at least ${min}`,
  above = `must be at most ${max}`,
): PropertyDecorator {
  return Rule(
    (value) =>
      value == null || (Number.isInteger(value) && Number(value) >= min && Number(value) <= max),
    (args) => (Number(args.value) < min ? below : above),
  );
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Text without control characters, which would break out of an email header or a CSV cell. */
export function Printable(): PropertyDecorator {
  return Rule(
    (value) => value == null || (typeof value === 'string' && !CONTROL.test(value)),
    'must not contain control characters',
  );
}

/** A value after the one of `other` (instants, or HH:mm times), when both are given. */
export function After(other: string): PropertyDecorator {
  return Rule(
    (value, object) => {
      const before = object[other];
      if (value == null || before == null) return true;
      return value instanceof Date && before instanceof Date
        ? value.getTime() > before.getTime()
        : String(value) > String(before);
    },
    (args) => {
      const before = (args.object as Record<string, unknown>)[other];
      return `must be after ${other}${typeof before === 'string' ? ` (${before})` : ''}`;
    },
  );
}

/** Each item of a list meets `check`; a failure is reported at its index. */
export function EachItem(name: string, check: (item: unknown) => boolean, message: string) {
  ITEM_RULES.set(name, check);
  return Rule((value) => !Array.isArray(value) || value.every(check), message, { name });
}

const NOT_NULL_RULE = 'cannot be null; omit it to keep the current value';

/** A field that may be omitted (keeping the current value) but not given as null. */
export function NotNull(): PropertyDecorator {
  return (target, propertyName) => {
    const fields = NOT_NULL.get(target.constructor) ?? new Set<string>();
    fields.add(String(propertyName));
    NOT_NULL.set(target.constructor, fields);
  };
}

export function invalid(field: string[], message: string): UserError {
  return userError(UserErrorCode.INVALID_INPUT, message, field);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** IDs are UUIDs; anything else cannot name a row and is answered as "not found". */
export function isId(value: string): boolean {
  return UUID.test(value);
}

/** Refuses a local date range that ends before it starts or spans more than `maxDays` days. */
export function checkLocalDateRange(from: string, to: string, maxDays: number): void {
  if (from > to) throw badArgument(['to'], `to (${to}) must not be before from (${from})`);
  const days = daysInRange(from, to);
  if (days > maxDays) {
    throw badArgument(['to'], `from..to may span at most ${maxDays} days (got ${days})`);
  }
}

/** Refuses an instant range [from, to) that is empty or spans more than `maxDays` days. */
export function checkInstantRange(from: Date, to: Date, maxDays: number): void {
  if (to.getTime() <= from.getTime()) throw badArgument(['to'], 'to must be after from');
  if (to.getTime() - from.getTime() > maxDays * 86_400_000) {
    throw badArgument(['to'], `from..to may span at most ${maxDays} days`);
  }
}

/** The page size `first` asked for (or `fallback`), refused outside 0..`max`. */
export function pageSize(first: number | null | undefined, max: number, fallback = 50): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > max) {
    throw badArgument(['first'], `first must be between 0 and ${max}`);
  }
  return size;
}

/** A BCP 47 language tag (null and undefined pass); `catalogued`: one of a language we write. */
export function LanguageTag(catalogued = false): PropertyDecorator {
  return Rule(
    (value) => {
      if (value == null) return true;
      const tag = typeof value === 'string' ? canonicalLocale(value) : null;
      return tag !== null && (!catalogued || hasCatalogue(tag));
    },
    catalogued
      ? `must be a BCP 47 language tag of a language the messages are written in (${LANGUAGES.join(', ')}), e.g. de or fr-CA`
      : 'must be a BCP 47 language tag, e.g. de, fr-CA or es-419',
  );
}
