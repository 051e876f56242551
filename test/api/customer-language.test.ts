import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { mailTo } from '../helpers/mail-sink.js';
import { book, createService, everyDay, type Scenario, scenario } from '../helpers/scenario.js';

// Issue 20: email in the customer's language and zone, naming the business's zone; the
// business's name, address, phone and the price; fallbacks; the examples in docs/EMAIL_SETUP.md.

const NOW = Date.parse('2026-12-01T09:00:00Z');
/** Monday 7 December 2026, 10:00 in London (GMT in winter), 05:00 in New York. */
const MONDAY_10 = '2026-12-07T10:00:00.000Z';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({}, { clock: () => NOW });
});
afterAll(async () => {
  await t?.close();
});

const UPDATE_TENANT = `mutation ($input: UpdateTenantInput!) {
  updateTenant(input: $input) { tenant { locale address phone } userErrors { code field message } }
}`;

/** A London business with an address, a phone and a priced service. */
async function londonBusiness(slug: string, tenant: Record<string, unknown> = {}) {
  const s = await scenario(t, slug, {
    timeZone: 'Europe/London',
    windows: everyDay('08:00', '20:00'),
    service: { name: 'Haircut', priceMinor: 4500, currency: 'GBP' },
  });
  await s.admin(UPDATE_TENANT, {
    input: { address: '1 High Street, London N1 9GU', phone: '+44 20 7946 0000', ...tenant },
  });
  return s;
}

async function bookAs(s: Scenario, customer: Record<string, unknown>, startsAt = MONDAY_10) {
  const res = await book(t, s.tenant.slug, { serviceId: s.serviceId, startsAt, customer });
  const booking = res.data?.createBooking.booking;
  if (!booking) throw new Error(JSON.stringify(res));
  return { ...booking, token: res.data?.createBooking.manageToken ?? '' };
}

/** The text and the HTML's visible text say the same: every line of the text is in the HTML. */
function expectSameInBoth(mail: ParsedMail) {
  const html = (mail.html || '')
    .replace(/<a href="([^"]+)"[^>]*>/g, ' $1 ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/\s+/g, ' ');
  for (const line of (mail.text ?? '').split('\n')) {
    const words = line.replace(/^--$/, '').trim();
    if (!words) continue;
    // The text's "Label: value" is a table row in the HTML; the button is its label and link.
    for (const piece of words.split(/ ?: (?=\S)/)) {
      expect(html).toContain(piece.replace(/\s+/g, ' ').trim());
    }
  }
}

describe('email in the customer’s language and time zone', () => {
  it('a German customer in New York booking a London business gets German mail with New York times naming London’s', async () => {
    const s = await londonBusiness('lang-de');
    const booking = await bookAs(s, {
      name: 'Jörg Müller',
      email: 'joerg@example.com',
      locale: 'de',
      timeZone: 'America/New_York',
    });
    const mail = await mailTo(t, 'joerg@example.com', /^Buchung bestätigt/);
    // 10:00 in London is 05:00 in New York (EST, GMT-5), a Monday in both.
    const when =
      /Montag, 7\. Dezember 2026, 05:00–06:00 GMT-5 \(America\/New_York\); vor Ort: 10:00–11:00 GMT(\+0)? \(Europe\/London\)/;
    expect(mail.subject).toMatch(/^Buchung bestätigt: Haircut, /);
    expect(mail.subject).toMatch(when);
    const text = mail.text ?? '';
    expect(text).toMatch(when);
    expect(mail.html).toMatch(when);
    expect(text).toContain('Hallo Jörg Müller, Ihre Buchung bei Business lang-de ist bestätigt.');
    expect(text).toContain(`Buchungsnummer: ${booking.reference}`);
    expect(text).toMatch(/Preis: 45,00\s£/);
    expect(text).toContain('Adresse: 1 High Street, London N1 9GU');
    expect(text).toContain('Telefon: +44 20 7946 0000');
    expect(text).toContain(
      `Buchung ansehen, ändern oder stornieren: http://localhost:3000/t/lang-de/manage/${booking.token}`,
    );
    expect(text).toContain('Sie erhalten diese E-Mail wegen einer Buchung bei diesem Unternehmen.');
    expect(mail.html).toContain('<html lang="de">');
    expectSameInBoth(mail);
    // The calendar invite stays as it is: the instant in UTC.
    const invite = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(invite?.content.toString()).toContain('DTSTART:20261207T100000Z');

    // The business reads its own language and zone, with the customer's details.
    const business = await mailTo(t, 'hello@lang-de.example', /^New booking/);
    expect(business.subject).toMatch(
      /^New booking: Haircut, Monday,? 7 December 2026, 10:00–11:00 GMT \(Europe\/London\) \(Jörg Müller\)$/,
    );
    expect(business.text).not.toContain('America/New_York');
    expect(business.text).toContain('Email: joerg@example.com');

    // What was recorded, and what the API shows of it.
    const [row] = await sql<{ customer_time_zone: string; customer_locale: string }>(
      t.database,
      'select customer_time_zone, customer_locale from booking where id = $1',
      [booking.id],
    );
    expect(row).toEqual({ customer_time_zone: 'America/New_York', customer_locale: 'de' });
  });

  it('names the business’s date too when the customer’s day is another one', async () => {
    const s = await londonBusiness('lang-es');
    // 19:00 on Monday in London is 04:00 on Tuesday in Tokyo.
    await bookAs(
      s,
      { name: 'Lucía', email: 'lucia@example.com', locale: 'es-ES', timeZone: 'Asia/Tokyo' },
      '2026-12-07T19:00:00.000Z',
    );
    const mail = await mailTo(t, 'lucia@example.com', /^Reserva confirmada/);
    expect(mail.text).toMatch(
      /martes, 8 de diciembre de 2026, 04:00–05:00 GMT\+9 \(Asia\/Tokyo\); en el establecimiento: lunes, 7 de diciembre de 2026, 19:00–20:00 GMT \(Europe\/London\)/,
    );
    // Spain's Spanish writes the pound as GBP (CLDR).
    expect(mail.text).toMatch(/Precio: 45,00\s(£|GBP)/);
  });

  it('falls back from a language without messages to the business’s, and then to English', async () => {
    const fr = await londonBusiness('lang-fr', { locale: 'fr' });
    // Japanese has no catalogue: the business's French, in the business's zone.
    await bookAs(fr, { name: 'Yuki', email: 'yuki@example.com', locale: 'ja-JP' });
    const yuki = await mailTo(t, 'yuki@example.com', /^Réservation confirmée/);
    expect(yuki.text).toMatch(
      /lundi 7 décembre 2026, 10:00–11:00 UTC(\+0)? \(Europe\/London\)|lundi 7 décembre 2026, 10:00–11:00 GMT \(Europe\/London\)/,
    );
    expect(yuki.html).toContain('<html lang="fr">');
    // No language given: the business's.
    await bookAs(fr, { name: 'Anne', email: 'anne@example.com' }, '2026-12-07T12:00:00.000Z');
    await mailTo(t, 'anne@example.com', /^Réservation confirmée/);
    // The business's own email is in its language too.
    await mailTo(t, 'hello@lang-fr.example', /^Nouvelle réservation/);

    const en = await londonBusiness('lang-xx');
    await bookAs(en, { name: 'Zed', email: 'zed@example.com', locale: 'xx-ZZ' });
    const zed = await mailTo(t, 'zed@example.com', /^Booking confirmed/);
    expect(zed.text).toMatch(/Monday,? 7 December 2026, 10:00–11:00 GMT \(Europe\/London\)/);
    expect(zed.text).toContain('Price: £45.00');
    // A group session: the price times the seats.
    const group = await createService(en.admin, {
      name: 'Class',
      durationMinutes: 60,
      capacity: 8,
      priceMinor: 1500,
      currency: 'GBP',
    });
    await book(t, en.tenant.slug, {
      serviceId: group,
      startsAt: '2026-12-08T10:00:00.000Z',
      seats: 2,
      customer: { name: 'Two', email: 'two@example.com' },
    });
    const two = await mailTo(t, 'two@example.com', /^Booking confirmed/);
    expect(two.text).toContain('Seats: 2');
    expect(two.text).toContain('Price: £30.00 (2 × £15.00)');
  });

  it('refuses a malformed language or zone, and a business language without messages, naming the field; nothing changes', async () => {
    const s = await londonBusiness('lang-bad');
    const bad = await book(t, s.tenant.slug, {
      serviceId: s.serviceId,
      startsAt: MONDAY_10,
      customer: { name: 'Ada', email: 'ada@example.com', locale: 'not a language!' },
    });
    expect(bad.data?.createBooking.userErrors).toEqual([
      {
        code: 'INVALID_INPUT',
        field: ['input', 'customer', 'locale'],
        message: expect.stringContaining('must be a BCP 47 language tag'),
      },
    ]);
    const zone = await book(t, s.tenant.slug, {
      serviceId: s.serviceId,
      startsAt: MONDAY_10,
      customer: { name: 'Ada', email: 'ada@example.com', timeZone: 'Mars/Olympus' },
    });
    expect(zone.errors?.[0]?.message).toContain('TimeZone must be an IANA time-zone id');
    const [count] = await sql<{ n: number }>(
      t.database,
      'select count(*)::int as n from booking where tenant_id = $1',
      [s.tenant.id],
    );
    expect(count?.n).toBe(0);

    const refused = await s.admin<{
      updateTenant: { tenant: unknown; userErrors: Array<{ field: string[]; message: string }> };
    }>(UPDATE_TENANT, { input: { locale: 'ja', address: 'Somewhere else' } });
    expect(refused.updateTenant.userErrors).toEqual([
      {
        code: 'INVALID_INPUT',
        field: ['input', 'locale'],
        message: expect.stringContaining('(en, de, fr, es)'),
      },
    ]);
    const long = await s.admin<{ updateTenant: { userErrors: Array<{ field: string[] }> } }>(
      UPDATE_TENANT,
      { input: { address: 'x'.repeat(301) } },
    );
    expect(long.updateTenant.userErrors.map((e) => e.field)).toEqual([['input', 'address']]);
    const now = await s.admin<{ tenant: { locale: string; address: string } }>(
      '{ tenant { locale address } }',
    );
    expect(now.tenant).toEqual({ locale: 'en', address: '1 High Street, London N1 9GU' });
    // A regional tag of a language with messages is kept as given, canonical.
    const regional = await s.admin<{ updateTenant: { tenant: { locale: string } } }>(
      UPDATE_TENANT,
      { input: { locale: 'de-at' } },
    );
    expect(regional.updateTenant.tenant.locale).toBe('de-AT');
  });
});

/** The examples of docs/EMAIL_SETUP.md, "In the customer's language". */
const DOC = path.join(PROJECT_ROOT, 'docs', 'EMAIL_SETUP.md');
const EXAMPLE = /<!-- email:(\w+) -->\n```text\n([\s\S]*?)```/g;
const SAMPLE_REFERENCE = 'K7QM-4XPB';
const SAMPLE_TOKEN = 'bkm_…';

describe('docs/EMAIL_SETUP.md', () => {
  it('shows the confirmation each language sends, as it is sent', async () => {
    const s = await londonBusiness('atelier');
    await s.admin(
      'mutation { updateTenant(input: { name: "Atelier Rose" }) { userErrors { message } } }',
    );
    const customers: Record<string, Record<string, unknown>> = {
      en: { name: 'Ada Lovelace', email: 'ada@atelier.example' },
      de: {
        name: 'Jörg Müller',
        email: 'joerg@atelier.example',
        locale: 'de',
        timeZone: 'America/New_York',
      },
      fr: {
        name: 'Amélie Durand',
        email: 'amelie@atelier.example',
        locale: 'fr-FR',
        timeZone: 'Europe/Paris',
      },
      es: {
        name: 'Lucía García',
        email: 'lucia@atelier.example',
        locale: 'es',
        timeZone: 'Europe/Madrid',
      },
    };
    const actual: Record<string, string> = {};
    let hour = 10;
    for (const [language, customer] of Object.entries(customers)) {
      const startsAt = `2026-12-07T${String(hour++).padStart(2, '0')}:00:00.000Z`;
      const booking = await bookAs(s, customer, startsAt);
      const mail = await mailTo(t, String(customer.email), /.*/);
      actual[language] = `Subject: ${mail.subject}\n\n${mail.text ?? ''}`
        .replaceAll(booking.reference, SAMPLE_REFERENCE)
        .replaceAll(booking.token, SAMPLE_TOKEN);
    }
    const artifacts = path.join(PROJECT_ROOT, '.data', 'test-artifacts', 'emails');
    await mkdir(artifacts, { recursive: true });
    for (const [language, text] of Object.entries(actual)) {
      await writeFile(path.join(artifacts, `${language}.txt`), text);
    }
    const doc = await readFile(DOC, 'utf8');
    if (process.env.UPDATE_DOCS === '1') {
      await writeFile(
        DOC,
        doc.replace(EXAMPLE, (_all, language: string) => {
          return `<!-- email:${language} -->\n\`\`\`text\n${actual[language] ?? ''}\`\`\``;
        }),
      );
    }
    const shown = Object.fromEntries(
      [...(await readFile(DOC, 'utf8')).matchAll(EXAMPLE)].map((m) => [m[1], m[2]]),
    );
    expect(Object.keys(shown).sort()).toEqual(['de', 'en', 'es', 'fr']);
    expect(shown).toEqual(actual);
  });
});
