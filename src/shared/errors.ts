import { GraphQLError } from 'graphql';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** Codes of expected business failures, returned as data in a payload's `userErrors`. */
export enum UserErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  SLOT_UNAVAILABLE = 'SLOT_UNAVAILABLE',
  BOOKING_CONFLICT = 'BOOKING_CONFLICT',
  CAPACITY_EXCEEDED = 'CAPACITY_EXCEEDED',
  OUTSIDE_BOOKING_WINDOW = 'OUTSIDE_BOOKING_WINDOW',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  TOO_LATE_TO_CHANGE = 'TOO_LATE_TO_CHANGE',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  NOT_ALLOWED = 'NOT_ALLOWED',
}
registerEnumType(UserErrorCode, { name: 'UserErrorCode' });

@ObjectType({ description: 'An expected failure: what went wrong, and where in the input.' })
export class UserError {
  @Field(() => UserErrorCode)
  code!: UserErrorCode;

  @Field(() => [String], { nullable: true, description: 'Path of the offending input field.' })
  field?: string[] | null;

  @Field()
  message!: string;
}

export function userError(code: UserErrorCode, message: string, field?: string[]): UserError {
  return Object.assign(new UserError(), { code, message, field: field ?? null });
}

/** NOT_FOUND: "No <what>", at `field`. */
export const notFound = (what: string, ...field: string[]) =>
  userError(UserErrorCode.NOT_FOUND, `No ${what}`, field);

/** Outcome of a service method: the value, or the user errors that stopped it. */
export type Result<T> = { ok: true; value: T } | { ok: false; errors: UserError[] };
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(...errors: UserError[]): Result<T> => ({ ok: false, errors });

/** Codes of unexpected failures, returned as GraphQL errors in `extensions.code`. */
type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'TENANT_REQUIRED'
  | 'TENANT_NOT_FOUND'
  | 'TENANT_INACTIVE'
  | 'TENANT_CONFLICT'
  | 'BAD_REQUEST'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TENANT_REQUIRED: 400,
  TENANT_NOT_FOUND: 404,
  TENANT_INACTIVE: 403,
  TENANT_CONFLICT: 400,
  BAD_REQUEST: 400,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** A GraphQL error with `extensions.code`; with `http`, it stops the request with its status. */
export class ApiError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { http?: boolean; headers?: Record<string, string>; field?: string[] } = {},
  ) {
    super(message, {
      extensions: {
        code,
        ...(options.field ? { field: options.field } : {}),
        ...(options.http
          ? {
              http: {
                status: HTTP_STATUS[code],
                headers: new Map(Object.entries(options.headers ?? {})),
              },
            }
          : {}),
      },
    });
    this.name = 'ApiError';
  }
}

/** A bad argument of a query that has no payload: BAD_USER_INPUT naming the argument. */
export function badArgument(field: string[], message: string): ApiError {
  return new ApiError('BAD_USER_INPUT', message, { field });
}

/** An error that stops the request before it runs, with the HTTP status of its code. */
export function requestError(code: ErrorCode, message: string): ApiError {
  return new ApiError(code, message, { http: true });
}

/** The HTTP answer of a GraphQL error outside GraphQL (a route, a hook); null for anything else. */
export function httpAnswerOf(error: GraphQLError) {
  const code = String(error.extensions.code ?? 'BAD_REQUEST');
  const http = error.extensions.http as
    | { status?: number; headers?: Map<string, string> }
    | undefined;
  const field = error.extensions.field;
  return {
    status: http?.status ?? HTTP_STATUS[code as ErrorCode] ?? 400,
    headers: Object.fromEntries(http?.headers ?? []),
    body: {
      errors: [{ message: error.message, extensions: { code, ...(field ? { field } : {}) } }],
    },
  };
}

/** Seconds a client is told to wait before retrying during a database outage. */
const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** SERVICE_UNAVAILABLE (HTTP 503, Retry-After): the database cannot be reached right now. */
export function serviceUnavailable(): ApiError {
  const error = new ApiError(
    'SERVICE_UNAVAILABLE',
    `The service is briefly unavailable (its database cannot be reached); retry in ${OUTAGE_RETRY_AFTER_SECONDS} s`,
    { http: true, headers: { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) } },
  );
  error.extensions.retryAfter = OUTAGE_RETRY_AFTER_SECONDS;
  return error;
}

/** Base of every mutation payload: the expected failures, empty on success. */
@ObjectType()
export abstract class Payload {
  @Field(() => [UserError])
  userErrors: UserError[] = [];
}
