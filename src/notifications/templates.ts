import Handlebars from 'handlebars';

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
}

const HTML = Handlebars.compile<EmailContent>(
  `<!doctype html>
<html lang="en">
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

{{#each details}}{{label}}: {{value}}
{{/each}}

{{#each notes}}{{this}}

{{/each}}{{#if action}}{{action.label}}: {{action.url}}

{{/if}}--
{{footer}}
`,
  { noEscape: true, strict: true, knownHelpersOnly: true },
);

export function renderEmail(content: EmailContent): { html: string; text: string } {
  return { html: HTML(content), text: TEXT(content) };
}

/** "Monday 2 March 2026, 10:00–11:00 GMT (Europe/London)", in the business's zone. */
export function formatWhen(start: Date, end: Date, timeZone: string): string {
  // Built from parts, so the wording does not change with the ICU version's punctuation.
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZoneName: 'short',
  }).formatToParts(start);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}, ${time.format(start)}–${time.format(end)} ${part('timeZoneName')} (${timeZone})`;
}

/** "Friday 11 December 2026, 14:05 GMT (Europe/London)": an instant in the business's zone. */
export function formatInstant(at: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(at);
  return `${text} (${timeZone})`;
}
