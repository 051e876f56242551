import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/bookings/booking-export.js';
import { createApiKey, startTestApp, type TestApp } from '../helpers/app.js';
import { databaseUrl, sql } from '../helpers/database.js';
import { freePort } from '../helpers/free-port.js';
import { book, type Scenario, scenario, weekdays } from '../helpers/scenario.js';
import { launchServer } from '../helpers/server-process.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const CSV = 'query ($filter: BookingFilter) { bookingsCsv(filter: $filter) }';

let t: TestApp;
let s: Scenario;
let partnerKey: string;

beforeAll(async () => {
  t = await startTestApp({ EXPORT_ROW_LIMIT: '50', EMAIL_ENABLED: 'false' }, { clock: () => NOW });
  s = await scenario(t, 'studio', {
    timeZone: 'America/New_York',
    windows: weekdays('09:00', '17:00'),
  });
  partnerKey = (await createApiKey(t, s.tenant, 'PARTNER')).secret;
});
afterAll(() => t?.close());

const csvAs = async (token: string, filter: Record<string, unknown> = {}) =>
  t.gql<{ bookingsCsv: string }>(CSV, { filter }, { tenant: 'studio', token });
const rows = (text: string): Record<string, string>[] =>
  parseSync(text, { columns: true, bom: true });

describe('bookingsCsv', () => {
  const awkward = [
    {
      name: 'Zoë "Zed" Müller, Jr.',
      email: 'zoe@example.com',
      phone: '+1 212 555 0100',
      notes: 'Line one\nline two, "quoted"',
    },
    {
      name: '=HYPERLINK("http://evil.example","click")',
      email: 'eve@example.com',
      notes: '@SUM(A1:A2)',
    },
    { name: '-2+3', email: 'minus@example.com', notes: 'Tabbed' },
    { name: '山田 太郎', email: 'taro@example.com', notes: 'こんにちは' },
    // Line breaks alone, with nothing else that needs quoting (csv-stringify left these bare).
    { name: 'Ann Lee', email: 'lines@example.com', notes: 'Line one\nline two\rline three' },
  ];
  let ids: string[] = [];

  beforeAll(async () => {
    ids = [];
    for (const [i, c] of awkward.entries()) {
      const res = await book(t, 'studio', {
        serviceId: s.serviceId,
        startsAt: `2026-03-0${2 + i}T15:00:00Z`,
        customer: { name: c.name, email: c.email, phone: c.phone },
        notes: c.notes,
      });
      ids.push(res.data?.createBooking.booking?.id ?? '');
    }
    // Input is trimmed, so a cell led by a tab can only come from elsewhere: write it directly.
    await sql(
      t.database,
      "update booking set notes = E'\\tTabbed' where customer_email = 'minus@example.com'",
    );
  });

  it('is RFC 4180 with a header row, one row per booking, local times in the tenant zone and UTC instants', async () => {
    const res = await csvAs(s.tenant.token);
    const text = res.data?.bookingsCsv ?? '';
    expect(text.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = rows(text);
    expect(parsed).toHaveLength(awkward.length);
    const first = parsed[0];
    const booking = (
      await sql<{ reference: string; created_at: Date }>(
        t.database,
        'select reference, created_at from booking where id = $1',
        [ids[0]],
      )
    )[0];
    expect(first).toEqual({
      reference: booking?.reference,
      service: 'Appointment',
      resource: 'Business studio',
      local_date: '2026-03-02',
      local_start: '10:00',
      local_end: '11:00',
      starts_at_utc: '2026-03-02T15:00:00.000Z',
      ends_at_utc: '2026-03-02T16:00:00.000Z',
      status: 'CONFIRMED',
      seats: '1',
      customer_name: 'Zoë "Zed" Müller, Jr.',
      customer_email: 'zoe@example.com',
      customer_phone: "'+1 212 555 0100",
      notes: 'Line one\nline two, "quoted"',
      created_at_utc: booking?.created_at.toISOString(),
    });
    // after the clocks go forward in New York (2026-03-08), 15:00Z is 11:00 local
    const later = await book(t, 'studio', {
      serviceId: s.serviceId,
      startsAt: '2026-03-09T15:00:00Z',
    });
    const again = rows((await csvAs(s.tenant.token)).data?.bookingsCsv ?? '');
    expect(
      again.find((r) => r.reference === later.data?.createBooking.booking?.reference),
    ).toMatchObject({ local_date: '2026-03-09', local_start: '11:00', local_end: '12:00' });
    await s.admin('mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { code } } }', {
      id: later.data?.createBooking.booking?.id,
    });
  });

  it('round-trips quotes, commas, line breaks and non-ASCII text', async () => {
    const parsed = rows((await csvAs(s.tenant.token)).data?.bookingsCsv ?? '');
    expect(parsed.find((r) => r.customer_email === 'taro@example.com')).toMatchObject({
      customer_name: '山田 太郎',
      notes: 'こんにちは',
    });
    expect(parsed[0]?.customer_name).toBe('Zoë "Zed" Müller, Jr.');
    expect(parsed[0]?.notes).toBe('Line one\nline two, "quoted"');
    expect(parsed.find((r) => r.customer_email === 'lines@example.com')?.notes).toBe(
      'Line one\nline two\rline three',
    );
  });

  it('neutralises cells a spreadsheet would run as formulas', async () => {
    const parsed = rows((await csvAs(s.tenant.token)).data?.bookingsCsv ?? '');
    const eve = parsed.find((r) => r.customer_email === 'eve@example.com');
    expect(eve?.customer_name).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(eve?.notes).toBe("'@SUM(A1:A2)");
    const minus = parsed.find((r) => r.customer_email === 'minus@example.com');
    expect(minus?.customer_name).toBe("'-2+3");
    expect(minus?.notes).toBe("'\tTabbed");
    for (const row of parsed)
      for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('writes every value as stored when a program asks for formulaGuard: false', async () => {
    const guarded = rows((await csvAs(s.tenant.token)).data?.bookingsCsv ?? '');
    expect(guarded[0]?.customer_phone).toBe("'+1 212 555 0100");
    const res = await t.gql<{ bookingsCsv: string }>(
      '{ bookingsCsv(formulaGuard: false) }',
      {},
      { tenant: 'studio', token: partnerKey },
    );
    const raw = rows(res.data?.bookingsCsv ?? '');
    expect(raw[0]?.customer_phone).toBe('+1 212 555 0100');
    const eve = raw.find((r) => r.customer_email === 'eve@example.com');
    expect(eve?.customer_name).toBe('=HYPERLINK("http://evil.example","click")');
    expect(raw.find((r) => r.customer_email === 'minus@example.com')?.notes).toBe('\tTabbed');
  });

  it('takes the same filter as bookings', async () => {
    const march3 = rows(
      (await csvAs(s.tenant.token, { from: '2026-03-03T00:00:00Z', to: '2026-03-04T00:00:00Z' }))
        .data?.bookingsCsv ?? '',
    );
    expect(march3.map((r) => r.customer_email)).toEqual(['eve@example.com']);
    const cancelled = rows(
      (await csvAs(s.tenant.token, { statuses: ['CANCELLED'] })).data?.bookingsCsv ?? '',
    );
    expect(cancelled.map((r) => r.status)).toEqual(['CANCELLED']);
    const search = rows(
      (await csvAs(s.tenant.token, { search: 'müller' })).data?.bookingsCsv ?? '',
    );
    expect(search.map((r) => r.customer_email)).toEqual(['zoe@example.com']);
    const empty = (await csvAs(s.tenant.token, { from: '2030-01-01T00:00:00Z' })).data?.bookingsCsv;
    expect(empty).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  it('is open to a PARTNER key, which still cannot change anything', async () => {
    const res = await csvAs(partnerKey);
    expect(rows(res.data?.bookingsCsv ?? '').length).toBeGreaterThanOrEqual(awkward.length);
    const mutate = await t.gql(
      'mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { code } } }',
      { id: ids[0] },
      { token: partnerKey },
    );
    expect(mutate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(CSV, {}, { tenant: 'studio' })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it("never shows another tenant's bookings", async () => {
    const other = await scenario(t, 'elsewhere', { windows: weekdays('09:00', '17:00') });
    await book(t, 'elsewhere', {
      serviceId: other.serviceId,
      startsAt: '2026-03-02T10:00:00Z',
      customer: { name: 'Other', email: 'other@example.com' },
    });
    const mine = (await csvAs(s.tenant.token)).data?.bookingsCsv ?? '';
    expect(mine).not.toContain('other@example.com');
    const theirs = rows(
      (
        await t.gql<{ bookingsCsv: string }>(
          CSV,
          {},
          { tenant: 'elsewhere', token: other.tenant.token },
        )
      ).data?.bookingsCsv ?? '',
    );
    expect(theirs.map((r) => r.customer_email)).toEqual(['other@example.com']);
  });

  it('refuses an export over the row limit, pointing to the download', async () => {
    // Ten weekdays in April (EDT, UTC-4), five hours each: 09:00 to 13:00 local.
    const days = [13, 14, 15, 16, 17, 20, 21, 22, 23, 24];
    for (let i = 0; i < 50; i++) {
      const startsAt = `2026-04-${days[Math.floor(i / 5)]}T${13 + (i % 5)}:00:00Z`;
      const res = await book(t, 'studio', {
        serviceId: s.serviceId,
        startsAt,
        customer: { name: `Bulk ${i}`, email: `bulk${i}@example.com` },
      });
      expect(res.data?.createBooking.userErrors).toEqual([]);
    }
    const res = await csvAs(s.tenant.token);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['filter'],
    });
    expect(res.errors?.[0]?.message).toMatch(
      /more than bookingsCsv returns \(50\): narrow the filter .* GET \/exports\/bookings\.csv/,
    );
    const narrowed = await csvAs(s.tenant.token, { from: '2026-04-01T00:00:00Z' });
    expect(rows(narrowed.data?.bookingsCsv ?? '')).toHaveLength(50);
  });
});

describe('GET /exports/bookings.csv', () => {
  const download = (query: string, headers: Record<string, string>) =>
    fetch(`${t.url}/exports/bookings.csv${query}`, { headers });

  it('answers with the same CSV, for the same credentials and tenant resolution', async () => {
    const res = await download(
      '?from=2026-03-01T00:00:00Z&to=2026-03-06T00:00:00Z&status=CONFIRMED,PENDING',
      { authorization: `Bearer ${partnerKey}` },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="bookings-studio-2026-01-01\.csv"$/,
    );
    const viaGraphql = (
      await csvAs(s.tenant.token, {
        from: '2026-03-01T00:00:00Z',
        to: '2026-03-06T00:00:00Z',
        statuses: ['CONFIRMED', 'PENDING'],
      })
    ).data?.bookingsCsv;
    expect(await res.text()).toBe(viaGraphql);
    const byPath = await fetch(
      `${t.url}/t/studio/exports/bookings.csv?from=2026-03-01T00:00:00Z&to=2026-03-06T00:00:00Z&status=CONFIRMED&status=PENDING`,
      {
        headers: { authorization: `Bearer ${s.tenant.token}` },
      },
    );
    expect(await byPath.text()).toBe(viaGraphql);
  });

  it('refuses what it must, with a clear status and message', async () => {
    expect((await download('', {})).status).toBe(401);
    expect((await download('', { authorization: 'Bearer nope' })).status).toBe(401);
    const foreign = await download('', {
      authorization: `Bearer ${partnerKey}`,
      'x-tenant': 'elsewhere',
    });
    expect(foreign.status).toBe(401);
    const badDate = await download('?from=yesterday', { authorization: `Bearer ${partnerKey}` });
    expect(badDate.status).toBe(400);
    expect(await badDate.json()).toMatchObject({
      errors: [
        {
          message: expect.stringContaining('from must be an RFC 3339 instant'),
          extensions: { code: 'BAD_USER_INPUT', field: ['from'] },
        },
      ],
    });
    const badStatus = await download('?status=LOST', { authorization: `Bearer ${partnerKey}` });
    expect(badStatus.status).toBe(400);
  });

  it('checks every parameter as strictly as the GraphQL API, before the first byte', async () => {
    const auth = { authorization: `Bearer ${partnerKey}` };
    const cases: Array<[string, string, RegExp]> = [
      ['?search=a%00b', 'search', /search must not contain the NUL character/],
      ['?from=2026-02-30T00:00:00Z', 'from', /from must be an RFC 3339 instant.*2026-02-30/],
      ['?to=2026-03-01', 'to', /to must be an RFC 3339 instant/],
      ['?to=2026-03-01T25:00:00Z', 'to', /to must be an RFC 3339 instant/],
      ['?serviceId=abc', 'serviceId', /serviceId must be a service id/],
      ['?search=a&search=b', 'search', /search may be given once/],
      ['?formulaGuard=no', 'formulaGuard', /formulaGuard must be true or false/],
      ['?form=2026-03-01T00:00:00Z', 'form', /form is not a parameter of this download/],
    ];
    for (const [query, field, message] of cases) {
      const res = await download(query, auth);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type'), query).toMatch(/^application\/json/);
      const body = (await res.json()) as {
        errors: Array<{ message: string; extensions: { code: string; field: string[] } }>;
      };
      expect(body.errors[0]?.message, query).toMatch(message);
      expect(body.errors[0]?.extensions, query).toEqual({ code: 'BAD_USER_INPUT', field: [field] });
    }
    // The same search, allowed, answers a CSV; formulaGuard=false writes values as stored.
    const fine = await download('?search=Zo%C3%AB&formulaGuard=false', auth);
    expect(fine.status).toBe(200);
    const [row] = rows(await fine.text());
    expect(row?.customer_phone).toBe('+1 212 555 0100');
  });

  it('streams 100 000 bookings with flat memory, and they parse to 100 000 rows', async () => {
    const big = await scenario(t, 'big', { windows: weekdays('00:00', '24:00') });
    // 100 000 bookings inserted directly, 30 minutes apart on one resource.
    await sql(
      t.database,
      `insert into booking (id, created_at, updated_at, tenant_id, reference, service_id, resource_id, starts_at, ends_at,
         occupied_start, occupied_end, session_key, status, seats, customer_name, customer_email, notes)
       select id, now(), now(), $1, 'B' || lpad(n::text, 7, '0'), $2, $3, s, s + interval '30 minutes', s, s + interval '30 minutes',
              id, 'CONFIRMED', 1, 'Customer ' || n, 'c' || n || '@example.com', 'Note, "with" quotes ' || n
         from (select n, gen_random_uuid() as id, timestamptz '2026-02-01T00:00:00Z' + n * interval '30 minutes' as s
                 from generate_series(1, 100000) n) g`,
      [big.tenant.id, big.serviceId, big.resourceId],
    );
    // The server in a process of its own, so that its memory alone is measured (and with a
    // small heap, which a buffered export would run out of).
    const server = await launchServer(
      await freePort(),
      {
        DATABASE_URL: databaseUrl(t.database),
        EMAIL_ENABLED: 'false',
        SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
      },
      ['--max-old-space-size=160'],
    );
    try {
      const headers = { authorization: `Bearer ${big.tenant.token}` };
      // Warm up: the first download compiles and connects.
      await (
        await fetch(`${server.url}/t/big/exports/bookings.csv?to=2026-02-02T00:00:00Z`, { headers })
      ).text();
      const before = rss(server.pid);
      const started = Date.now();
      const res = await fetch(`${server.url}/t/big/exports/bookings.csv`, { headers });
      expect(res.status).toBe(200);
      let count = 0;
      let last: string[] | null = null;
      const parser = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream).pipe(
        parse({ from_line: 2 }),
      );
      for await (const record of parser) {
        count++;
        last = record as string[];
      }
      const after = rss(server.pid);
      const growthMb = (after.peak - before.current) / 1024;
      console.log(
        `download: ${count} rows in ${Date.now() - started} ms; server RSS ${(before.current / 1024).toFixed(0)} MB before, peak ${(after.peak / 1024).toFixed(0)} MB, growth ${growthMb.toFixed(1)} MB`,
      );
      expect(count).toBe(100_000);
      expect(last?.[0]).toBe('B0100000');
      expect(last?.[13]).toBe('Note, "with" quotes 100000');
      expect(growthMb).toBeLessThan(100);

      // bookingsCsv reads 250 rows at a time and writes 100 at a time, as the download does:
      // 2 500 rows (10 batches, the last one full) give exactly the download's text.
      const upTo = (rowsWanted: number) =>
        new Date(Date.parse('2026-02-01T00:00:00Z') + (rowsWanted + 0.5) * 1_800_000).toISOString();
      const gqlCsv = async (to: string) => {
        const answer = await fetch(`${server.url}/t/big/graphql`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ query: CSV, variables: { filter: { to } } }),
        });
        const body = (await answer.json()) as { data?: { bookingsCsv: string }; errors?: unknown };
        if (!body.data) throw new Error(JSON.stringify(body.errors));
        return body.data.bookingsCsv;
      };
      const small = await gqlCsv(upTo(2500));
      const downloaded = await (
        await fetch(`${server.url}/t/big/exports/bookings.csv?to=${upTo(2500)}`, { headers })
      ).text();
      expect(small).toBe(downloaded);
      expect(parseSync(small, { from_line: 2 })).toHaveLength(2500);
      // Eight partners pulling 40 000 rows at once: built two at a time, so this heap holds.
      const pulls = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => gqlCsv(upTo(40_000))));
      for (const text of pulls) expect(text.length).toBe(pulls[0]?.length);
      expect(parseSync(pulls[0] ?? '', { from_line: 2 })).toHaveLength(40_000);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 180_000);
});

/** Current and peak resident memory of a process, in kB (Linux /proc). */
function rss(pid: number): { current: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { current: kb('VmRSS'), peak: kb('VmHWM') };
}
