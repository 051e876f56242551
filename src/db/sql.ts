import type { EntityManager, InferClassEntityDB } from '@mikro-orm/postgresql';
import * as k from 'kysely';
import type { BookingEventData } from '../events/booking-event.entity.js';
import type { NotificationPayload } from '../notifications/notification.entity.js';
import type { ENTITIES } from './orm-config.js';
import { TENANT_FILTER } from './tenant-filter.js';

// The stores' SQL: typed by the entities' tables, built by Kysely, run by the ORM's connection.

type Inferred = InferClassEntityDB<(typeof ENTITIES)[number]>;

/** The tables as the stores see them; what inference cannot see: a renamed column, JSON objects. */
export type Database = Omit<
  Inferred,
  'service' | 'notification' | 'audit_event' | 'booking_event' | 'webhook_delivery'
> & {
  service: Omit<Inferred['service'], 'slot_interval_override'> & {
    slot_interval_minutes: number | null;
  };
  notification: Inferred['notification'] & { payload: NotificationPayload };
  audit_event: Inferred['audit_event'] & { changes: Record<string, unknown> | null };
  booking_event: Omit<
    Inferred['booking_event'],
    'data' | 'data_id' | 'resource_ids' | 'xid' | 'position' | 'occurred_at'
  > & {
    data: BookingEventData;
    resource_ids: string[];
    xid: k.Generated<string>;
    position: k.Generated<string>;
  };
  webhook_delivery: Omit<Inferred['webhook_delivery'], 'body' | 'position'> & {
    body: Record<string, unknown>;
    position: k.Generated<string>;
  };
};

/** MikroORM's `execute` takes `?` placeholders (and logs, converts errors, joins transactions). */
class Placeholders extends k.PostgresQueryCompiler {
  protected override getCurrentParameterPlaceholder() {
    return '?';
  }
}

/** Builds the stores' statements; it runs none itself. */
export const db = new k.Kysely<Database>({
  dialect: {
    createAdapter: () => new k.PostgresAdapter(),
    createDriver: () => new k.DummyDriver(),
    createIntrospector: (kysely) => new k.PostgresIntrospector(kysely),
    createQueryCompiler: () => new Placeholders(),
  },
});

/** The tenant the unit of work is filtered to: every store statement names it (fails closed). */
export function tenantOf(em: EntityManager): string {
  const { tenantId } = em.getFilterParams<{ tenantId?: string }>(TENANT_FILTER) ?? {};
  if (!tenantId) throw new Error('a store was used without a tenant');
  return tenantId;
}

/** `column` is one of the ids given as one parameter, `idList(ids)`: a prepared statement takes any number. */
export const anyOf = (column: string, ids: unknown) =>
  k.sql<boolean>`${k.sql.ref(column)} = any(cast(${ids} as uuid[]))`;
/** Ids as one parameter: a PostgreSQL array literal. */
export const idList = (ids: readonly string[]) => `{${ids.join(',')}}`;

/** A compiled statement whose rows are `R`. */
export type Statement<R> = k.CompiledQuery & { readonly rows?: R };
type Query = k.Compilable | Statement<unknown>;
type RowOf<Q> =
  Q extends Statement<infer R> ? R : Q extends k.Compilable ? k.InferResult<Q>[number] : never;

const NAME = Symbol('parameter');

/**
 * A statement compiled once, its parameters named by `build`'s argument, run with new values
 * each time: building it per request cost more than sending it (docs/PERFORMANCE.md). `build`
 * must not branch on its argument's values.
 */
export function prepare<A extends object, Q extends k.Compilable>(build: (args: A) => Q) {
  const sentinel = new Proxy({}, { get: (_, key) => ({ [NAME]: key }) }) as A;
  const compiled = build(sentinel).compile();
  const names = compiled.parameters.map((p) => (p as { [NAME]?: keyof A })?.[NAME]);
  // A nested read of the argument (`a.tenant.id`) would leave an undefined parameter.
  if (compiled.parameters.includes(undefined)) throw new Error(`undefined in: ${compiled.sql}`);
  return (args: A): Statement<RowOf<Q>> => ({
    ...compiled,
    parameters: compiled.parameters.map((p, i) => (names[i] === undefined ? p : args[names[i]])),
  });
}

/** `created_at` -> `createdAt`: a column as the entities name its property. */
type Camel<S extends string> = S extends `${infer H}_${infer T}`
  ? `${H}${Capitalize<Camel<T>>}`
  : S;
type Words<S extends string> = S extends `${infer W} ${infer R}` ? W | Words<R> : S;
type Named<C> = C extends string ? `${C} as ${Camel<C>}` : never;

/** A select list of the (space-separated) columns, each under its camel-cased name. */
export const named = <S extends string>(...columns: S[]) =>
  columns
    .flatMap((c) => c.split(' '))
    .map((c) => `${c} as ${c.replace(/_(\w)/g, (_, l: string) => l.toUpperCase())}`) as Named<
    Words<S>
  >[];

type NameIn<S extends string> = S extends `${string} as ${infer N}` ? N : S;

/** An insert of a row into `table`: a select list's `column as name` entries say from where. */
export function prepareInsert<T extends keyof Database, S extends string>(
  table: T,
  list: readonly S[],
) {
  return prepare((row: Record<NameIn<S>, unknown>) => {
    const values = list.map((s) => s.split(' as ')).map(([c, n = c]) => [c, row[n as NameIn<S>]]);
    // The names were checked where the list was built; Kysely cannot relate a generic table's row.
    return db.insertInto(table).values(Object.fromEntries(values) as never);
  });
}

/**
 * Runs a statement (or a query, compiled now) on `em`, in its transaction when there is one:
 * every row, typed. The ORM's connection leaves timestamps as text for its hydration: the
 * `instants` become Dates here.
 */
export async function rows<Q extends Query>(
  em: EntityManager,
  query: Q,
  instants: readonly (keyof RowOf<Q> & string)[] = [],
): Promise<RowOf<Q>[]> {
  const { sql, parameters } = 'compile' in query ? query.compile() : query;
  // The unit of work's logger context, so that a fork kept out of the query log stays out.
  const found = await em.execute<Record<string, unknown>[]>(
    sql,
    [...parameters],
    'all',
    em.getLoggerContext(),
  );
  const platform = em.getPlatform();
  for (const r of found) {
    for (const key of instants) if (r[key] != null) r[key] = platform.parseDate(r[key] as string);
  }
  return found as RowOf<Q>[];
}

/** Runs a write; the number of rows it changed. */
export async function write(em: EntityManager, query: Query): Promise<number> {
  const { sql, parameters } = 'compile' in query ? query.compile() : query;
  const done = await em.execute<{ affectedRows: number }>(
    sql,
    [...parameters],
    'run',
    em.getLoggerContext(),
  );
  return done.affectedRows;
}
