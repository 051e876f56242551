import { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import pLimit from 'p-limit';
import Papa from 'papaparse';
import { staffScope } from '../access/scope.js';
import { Resource } from '../catalog/resource.entity.js';
import { Service } from '../catalog/service.entity.js';
import type { RequestContext } from '../context/request-context.js';
import { ApiError } from '../shared/errors.js';
import { checkArgs } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { bookingRows, countBookings, type Keyset, type Selection } from './booking.store.js';
import type { BookingFilter } from './booking.types.js';

/** The CSV columns, in order, as the header row names them. */
export const CSV_COLUMNS = [
  'reference',
  'service',
  'resource',
  'local_date',
  'local_start',
  'local_end',
  'starts_at_utc',
  'ends_at_utc',
  'status',
  'seats',
  'customer_name',
  'customer_email',
  'customer_phone',
  'notes',
  'created_at_utc',
] as const;

// Small batches keep what is alive at once small, so the heap stays small (docs/PERFORMANCE.md).
const BATCH = 250;
const CSV_CHUNK_ROWS = 100;
// bookingsCsv holds a whole file in memory: two at a time per process, the rest wait.
const inMemoryExports = pLimit(2);

/** RFC 4180 lines: CRLF, after the last record too. Papa Parse quotes and doubles quotes. */
function csvLines(records: string[][]): string {
  const text = Papa.unparse(records, { newline: '\r\n', quotes: false, escapeFormulae: false });
  // join flattens unparse's rope of pieces into one string.
  return [text, '\r\n'].join('');
}

const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/** A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV injection). */
export function neutralise(cell: string): string {
  return FORMULA_START.has(cell.charAt(0)) ? `'${cell}` : cell;
}

/** What the en-CA format prints: "2026-11-24, 14:30". */
const LOCAL_TEXT = /^(\d{4}-\d{2}-\d{2}), (\d{2}:\d{2})$/;

/** Local date and time of instants in one zone, with one ICU formatter per export. */
export function localFormatter(timeZone: string) {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (instant: Date) => {
    const [, date = '', time = ''] = LOCAL_TEXT.exec(format.format(instant)) ?? [];
    return { date, time };
  };
}

/** `formulaGuard` (the default) neutralises formula cells; a parsing program turns it off. */
export interface CsvOptions {
  formulaGuard: boolean;
}

/** The filtered bookings in start order, then id, a batch at a time: memory stays flat. */
async function* exportRows(em: EntityManager, selection: Selection) {
  let after: Keyset | null = null;
  for (;;) {
    const rows = await bookingRows(em, selection, after, BATCH);
    yield* rows;
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return;
    after = { startsAt: last.startsAt, id: last.id };
  }
}

/** The CSV text a chunk of records at a time, the header row first. */
async function* csvText(
  ctx: RequestContext,
  filter: BookingFilter | null | undefined,
  options: CsvOptions,
) {
  const tenant = requireTenant(ctx);
  const [services, resources] = await Promise.all([
    ctx.em.find(Service, {}, { fields: ['name'] }),
    ctx.em.find(Resource, {}, { fields: ['name'] }),
  ]);
  const names = new Map([...services, ...resources].map((x) => [x.id, x.name]));
  const local = localFormatter(tenant.timeZone);
  const cell = options.formulaGuard ? neutralise : (value: string) => value;
  yield csvLines([[...CSV_COLUMNS]]);
  let chunk: string[][] = [];
  for await (const row of exportRows(ctx.em, { filter, resourceIds: staffScope(ctx) })) {
    const start = local(row.startsAt);
    chunk.push(
      [
        row.reference,
        names.get(row.service.id) ?? '',
        names.get(row.resource.id) ?? '',
        start.date,
        start.time,
        local(row.endsAt).time,
        row.startsAt.toISOString(),
        row.endsAt.toISOString(),
        row.status,
        String(row.seats),
        row.customerName,
        row.customerEmail,
        row.customerPhone ?? '',
        row.notes ?? '',
        row.createdAt.toISOString(),
      ].map(cell),
    );
    if (chunk.length === CSV_CHUNK_ROWS) {
      yield csvLines(chunk);
      chunk = [];
    }
  }
  if (chunk.length) yield csvLines(chunk);
}

/** ADMIN, PARTNER, STAFF (their resources): the filtered bookings as one CSV text, up to the configured row limit. */
export async function bookingsCsv(
  ctx: RequestContext,
  filter: BookingFilter | null | undefined,
  options: CsvOptions,
): Promise<string> {
  requireTenant(ctx);
  if (filter) await checkArgs(filter, ['filter']);
  const count = await countBookings(ctx.em, { filter, resourceIds: staffScope(ctx) });
  const limit = ctx.config.exportRowLimit;
  if (count > limit) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `The export has ${count} bookings, more than bookingsCsv returns (${limit}): narrow the filter (from, to, statuses, serviceIds) or download GET /exports/bookings.csv, which streams any number`,
      { field: ['filter'] },
    );
  }
  return inMemoryExports(async () => {
    const chunks: string[] = [];
    for await (const text of csvText(ctx, filter, options)) chunks.push(text);
    return chunks.join('');
  });
}

/** The same CSV streamed as the client takes it; a failure half-way destroys the stream. */
export function bookingsCsvStream(
  ctx: RequestContext,
  filter: BookingFilter | null | undefined,
  options: CsvOptions,
): Readable {
  return Readable.from(csvText(ctx, filter, options));
}
