import { Readable } from 'node:stream';
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import pLimit from 'p-limit';
import Papa from 'papaparse';
import { Resource } from '../catalog/resource.entity.js';
import { Service } from '../catalog/service.entity.js';
import type { RequestContext } from '../context/request-context.js';
import { ApiError } from '../shared/errors.js';
import { checkArgs } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { Booking } from './booking.entity.js';
import { bookingRows, type Keyset } from './booking.store.js';
import type { BookingFilter } from './booking.types.js';
import { bookingWhere } from './booking-listing.js';

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

/**
 * Rows read per statement, and rows turned into CSV text at a time by bookingsCsv. Small, so
 * that what is alive at once stays small: whatever outlives two scavenges (semi-spaces
 * are 8 MB here) is moved to the old generation, which then grows and stays
 * resident. With 1000 and 1000, one export of 10 000 rows left the server 40 MB larger
 * (docs/PERFORMANCE.md).
 */
const BATCH = 250;
const CSV_CHUNK_ROWS = 100;

/**
 * bookingsCsv answers with the whole file in memory (up to EXPORT_ROW_LIMIT rows, 50 000 by
 * default: about 10 MB of text, and as much again as the JSON answer). Two are built at a
 * time per process and further ones wait their turn, a bound on top of building the text a
 * batch at a time (which is what let eight pulls of 40 000 rows fit a 160 MB heap, where
 * holding every row's cells first ran it out: test/api/exports.test.ts). The streaming
 * download has no such limit: it holds one batch at a time.
 */
const inMemoryExports = pLimit(2);

/** RFC 4180: CRLF line ends, after the last record too. */
const UNPARSE_OPTIONS = { newline: '\r\n', quotes: false, escapeFormulae: false } as const;

function csvLines(records: string[][]): string {
  // unparse builds its text by +=, a rope of a few thousand pieces that takes five times the
  // text's memory; join copies it into one flat string (a test pulls 8 x 40 000 rows
  // through a 160 MB heap).
  return [Papa.unparse(records, UNPARSE_OPTIONS), '\r\n'].join('');
}

/** The first characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * A cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
 * return) gets a leading apostrophe, so it is shown as text (OWASP "CSV injection").
 */
export function neutralise(cell: string): string {
  return FORMULA_START.has(cell.charAt(0)) ? `'${cell}` : cell;
}

interface CsvNames {
  services: Map<string, string>;
  resources: Map<string, string>;
}

/** What `localFormatter`'s ICU format prints: "2026-11-24, 14:30". */
const LOCAL_TEXT = /^(\d{4}-\d{2}-\d{2}), (\d{2}:\d{2})$/;

/**
 * Local date and time of instants in one zone, with one ICU formatter made per export (the
 * same time-zone database Temporal reads, without an object per conversion). Its text is
 * read with a pattern: formatToParts made an array of part objects per instant, a fifth of
 * an export's garbage. Should another ICU lay the text out differently, the parts are used.
 */
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
    const text = LOCAL_TEXT.exec(format.format(instant));
    if (text) return { date: text[1] as string, time: text[2] as string };
    const p: Record<string, string> = {};
    for (const part of format.formatToParts(instant)) p[part.type] = part.value;
    return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
  };
}

/**
 * How cells are written. `formulaGuard` (the default) neutralises cells a spreadsheet would
 * run as formulas, for people who open the file; a partner's program that parses the CSV
 * turns it off and gets every value exactly as stored (`+44 20 ...`, not `'+44 20 ...`).
 */
export interface CsvOptions {
  formulaGuard: boolean;
}

const keepCell = (cell: string) => cell;

/** One booking as a CSV record: local date and times in the tenant's zone, instants in UTC. */
function csvRecord(
  row: ExportRow,
  names: CsvNames,
  local: ReturnType<typeof localFormatter>,
  options: CsvOptions = { formulaGuard: true },
): string[] {
  const start = local(row.startsAt);
  const end = local(row.endsAt);
  return [
    row.reference,
    names.services.get(row.service) ?? '',
    names.resources.get(row.resource) ?? '',
    start.date,
    start.time,
    end.time,
    row.startsAt.toISOString(),
    row.endsAt.toISOString(),
    row.status,
    String(row.seats),
    row.customerName,
    row.customerEmail,
    row.customerPhone ?? '',
    row.notes ?? '',
    row.createdAt.toISOString(),
  ].map(options.formulaGuard ? neutralise : keepCell);
}

async function names(em: EntityManager): Promise<CsvNames> {
  const [services, resources] = await Promise.all([
    em.find(Service, {}, { fields: ['name'] }),
    em.find(Resource, {}, { fields: ['name'] }),
  ]);
  return {
    services: new Map(services.map((s) => [s.id, s.name])),
    resources: new Map(resources.map((r) => [r.id, r.name])),
  };
}

const EXPORT_FIELDS = [
  'id',
  'reference',
  'service',
  'resource',
  'startsAt',
  'endsAt',
  'status',
  'seats',
  'customerName',
  'customerEmail',
  'customerPhone',
  'notes',
  'createdAt',
] as const;

/** A booking as the export reads it: the entity's values, the service and resource by id. */
export type ExportRow = Pick<
  Booking,
  Exclude<(typeof EXPORT_FIELDS)[number], 'service' | 'resource'>
> & { service: string; resource: string };

/** The filtered bookings in start order, then id, `BATCH` at a time: memory stays flat. */
async function* exportRows(
  em: EntityManager,
  where: FilterQuery<Booking>,
): AsyncGenerator<ExportRow[]> {
  let after: Keyset | null = null;
  for (;;) {
    const rows = (await bookingRows(em, where, EXPORT_FIELDS, after, BATCH)) as ExportRow[];
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1] as ExportRow;
    after = { startsAt: last.startsAt, id: last.id };
    if (rows.length < BATCH) return;
  }
}

async function* csvRecords(
  ctx: RequestContext,
  where: FilterQuery<Booking>,
  options: CsvOptions,
): AsyncGenerator<string[]> {
  const tenant = requireTenant(ctx);
  const lookup = await names(ctx.em);
  const local = localFormatter(tenant.timeZone);
  for await (const batch of exportRows(ctx.em, where)) {
    for (const row of batch) yield csvRecord(row, lookup, local, options);
  }
}

/**
 * The CSV text, `CSV_CHUNK_ROWS` records at a time, the header row first. Papa Parse quotes a
 * field that holds a comma, a quote or a line break (bare CR or LF too) or starts or ends
 * with a space, and doubles its quotes (RFC 4180).
 */
async function* csvText(
  ctx: RequestContext,
  where: FilterQuery<Booking>,
  options: CsvOptions,
): AsyncGenerator<string> {
  yield csvLines([[...CSV_COLUMNS]]);
  let chunk: string[][] = [];
  for await (const record of csvRecords(ctx, where, options)) {
    chunk.push(record);
    if (chunk.length === CSV_CHUNK_ROWS) {
      yield csvLines(chunk);
      chunk = [];
    }
  }
  if (chunk.length) yield csvLines(chunk);
}

/** ADMIN, PARTNER: the filtered bookings as one CSV text, up to the configured row limit. */
export async function bookingsCsv(
  ctx: RequestContext,
  filter: BookingFilter | null | undefined,
  options: CsvOptions,
): Promise<string> {
  requireTenant(ctx);
  if (filter) await checkArgs(filter, ['filter']);
  const where = bookingWhere(filter);
  const count = await ctx.em.count(Booking, where);
  const limit = ctx.config.exportRowLimit;
  if (count > limit) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `The export has ${count} bookings, more than bookingsCsv returns (${limit}): narrow the filter (from, to, statuses, serviceIds) or download GET /exports/bookings.csv, which streams any number`,
      { field: ['filter'] },
    );
  }
  return inMemoryExports(async () => {
    // Written a chunk at a time: only the text is held, not every row's cells as well.
    const chunks: string[] = [];
    for await (const text of csvText(ctx, where, options)) chunks.push(text);
    return chunks.join('');
  });
}

/**
 * The same CSV as a stream, with no row limit, read and written a chunk at a time as the
 * client takes it. A failure half-way (the database gone) destroys the stream with the
 * error, which ends the response instead of leaving it open.
 */
export function bookingsCsvStream(
  ctx: RequestContext,
  filter: BookingFilter | null | undefined,
  options: CsvOptions,
): Readable {
  return Readable.from(csvText(ctx, bookingWhere(filter), options));
}
