import Handlebars from 'handlebars';
import { memo } from '../cache/memo.js';
import type { Messages } from '../i18n/messages.js';

// The HTML template escapes every value (a customer's name is text, never markup).

export interface EmailContent {
  subject: string;
  heading: string;
  intro: string;
  /** Label/value rows: what, when, where, reference... */
  details: Array<{ label: string; value: string }>;
  /** Extra paragraphs (a cancellation reason, the old time, ...). */
  notes: string[];
  /** The email's one button: the manage link, or an account's one-time link. */
  action: { url: string; label: string } | null;
  businessName: string;
  footer: string;
  /** The language of the email (the html element's lang). */
  language: string;
  /** What separates a label from its value in the text part (": ", in French " : "). */
  colon: string;
}

const HTML = Handlebars.compile<EmailContent>(
  `<!doctype html>
<html lang="{{language}}">
<head><meta charset="utf-8"><title>{{subject}}</title></head>
<body style="font-family: -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif; color: #1f2933; max-width: 560px; margin: 0 auto; padding: 24px;">
  <p style="color: #52606d; margin: 0 0 8px;">{{businessName}}</p>
  <h1 style="font-size: 22px; margin: 0 0 16px;">{{heading}}</h1>
  <p>{{intro}}</p>
  <table style="border-collapse: collapse; margin: 16px 0;">
    {{#each details}}
    <tr><th style="text-align: left; padding: 4px 16px 4px 0; color: #52606d; font-weight: normal; vertical-align: top;">{{label}}</th><td style="padding: 4px 0;">{{value}}</td></tr>
    {{/each}}
  </table>
  {{#each notes}}<p>{{this}}</p>{{/each}}
  {{#if action}}<p><a href="{{action.url}}" style="display: inline-block; background: #2563eb; color: #fff; padding: 10px 16px; border-radius: 6px; text-decoration: none;">{{action.label}}</a></p>{{/if}}
  <p style="color: #7b8794; font-size: 13px; margin-top: 32px;">{{footer}}</p>
</body>
</html>
`,
  { strict: true, knownHelpersOnly: true },
);

const TEXT = Handlebars.compile<EmailContent>(
  `{{businessName}}

{{heading}}

{{intro}}

{{#each details}}{{label}}{{../colon}}{{value}}
{{/each}}

{{#each notes}}{{this}}

{{/each}}{{#if action}}{{action.label}}{{colon}}{{action.url}}

{{/if}}--
{{footer}}
`,
  { noEscape: true, strict: true, knownHelpersOnly: true },
);

export function renderEmail(content: EmailContent): { html: string; text: string } {
  return { html: HTML(content), text: TEXT(content) };
}

/** The formats an email's times use: the date, the time, the zone's short name, the day. */
const FORMATS = {
  date: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  time: { hour: '2-digit', minute: '2-digit' },
  zone: { timeZoneName: 'short' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

/**
 * A formatter per locale, zone and format, kept: building one costs ICU work and native
 * memory, and every email asks for the same few.
 */
const formatter = memo((key: string) => {
  const [locale, timeZone, format] = key.split('\u0000') as [string, string, keyof typeof FORMATS];
  return new Intl.DateTimeFormat(locale, { timeZone, ...FORMATS[format] });
}, 1024);
const format = (locale: string, zone: string, kind: keyof typeof FORMATS) =>
  formatter(`${locale}\u0000${zone}\u0000${kind}`);

/** The calendar day of an instant in a zone (ISO), to compare two zones' days. */
const dayOf = memo((timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }), 512);

/** The parts of a span in a zone, written for a locale. */
function partsOf(start: Date, end: Date, timeZone: string, locale: string) {
  const time = format(locale, timeZone, 'time');
  const zoneName =
    format(locale, timeZone, 'zone')
      .formatToParts(start)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  return {
    values: {
      date: format(locale, timeZone, 'date').format(start),
      start: time.format(start),
      end: time.format(end),
      zoneName,
      zone: timeZone,
    },
    day: dayOf(timeZone).format(start),
  };
}

/** Where the reader is and where the business is. */
export interface Zones {
  /** The reader's zone: the customer's when they gave it, else the business's. */
  zone: string;
  business: string;
}

/**
 * "Monday, 2 March 2026, 10:00–11:00 GMT (Europe/London)" in the reader's language and zone;
 * when the business is elsewhere, its own time follows (and its date, when that differs).
 */
export function formatWhen(start: Date, end: Date, zones: Zones, m: Messages): string {
  const here = partsOf(start, end, zones.zone, m.locale);
  const when = m.t('when.range', here.values);
  if (zones.business === zones.zone) return when;
  const there = partsOf(start, end, zones.business, m.locale);
  const businessWhen = m.t(there.day === here.day ? 'when.times' : 'when.range', there.values);
  return m.t('when.withBusiness', { when, businessWhen });
}

/** "Friday 11 December 2026, 14:05 GMT (Europe/London)": an instant in a zone. */
export function formatInstant(at: Date, timeZone: string, m: Messages): string {
  const { date, start, zoneName, zone } = partsOf(at, at, timeZone, m.locale).values;
  return m.t('when.instant', { date, time: start, zoneName, zone });
}

/** A booking's price: the service's, times the seats ("90,00 € (2 × 45,00 €)"); null when it has none. */
export function bookingPrice(
  service: { priceMinor: number | null; currency: string | null },
  seats: number,
  m: Messages,
): string | null {
  if (service.priceMinor == null || !service.currency) return null;
  const total = formatPrice(service.priceMinor * seats, service.currency, m);
  if (seats === 1) return total;
  const each = formatPrice(service.priceMinor, service.currency, m);
  return m.t('price.seats', { total, seats, each });
}

const currencyFormat = memo((key: string) => {
  const [locale, currency] = key.split('\u0000') as [string, string];
  return new Intl.NumberFormat(locale, { style: 'currency', currency });
}, 256);

/** A price in minor units, for the reader's locale ("£45.00", "45,00 €"). */
function formatPrice(minor: number, currency: string, m: Messages): string {
  const money = currencyFormat(`${m.locale}\u0000${currency}`);
  const digits = money.resolvedOptions().maximumFractionDigits ?? 2;
  return money.format(minor / 10 ** digits);
}

/** "10:00–11:00 GMT (Europe/London)": a span's times without its date, as `formatWhen` names zones. */
export function formatTimes(start: Date, end: Date, zones: Zones, m: Messages): string {
  const here = m.t('when.times', partsOf(start, end, zones.zone, m.locale).values);
  if (zones.business === zones.zone) return here;
  const there = m.t('when.times', partsOf(start, end, zones.business, m.locale).values);
  return m.t('when.withBusiness', { when: here, businessWhen: there });
}
