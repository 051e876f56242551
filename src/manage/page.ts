import { createHash } from 'node:crypto';
import Handlebars from 'handlebars';

// The customer's manage page: plain HTML and forms, no script, nothing from another origin.

/** What the page shows; every text is already in the reader's language. */
export interface ManageView {
  language: string;
  title: string;
  /** A message at the top: done, or why not. */
  notice: { text: string; kind: 'done' | 'error'; role: 'status' | 'alert' } | null;
  details: Array<{ label: string; value: string }>;
  contact: { text: string; lines: string[] } | null;
  /** Why the booking cannot be changed here, when it cannot. */
  closed: string | null;
  cancel: { heading: string; reasonLabel: string; button: string; action: string } | null;
  move: {
    heading: string;
    dateLabel: string;
    show: string;
    date: string;
    minDate: string;
    action: string;
    /** The day's free times, once a day is chosen. */
    times: { heading: string; none: string | null; button: string; slots: MoveSlot[] } | null;
  } | null;
}

export interface MoveSlot {
  value: string;
  label: string;
  id: string;
}

export const MANAGE_STYLE = `
body { font-family: system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif; color: #1f2933; max-width: 600px; margin: 0 auto; padding: 24px 16px; line-height: 1.5; }
h1 { font-size: 1.5rem; margin: 0 0 20px; }
h2 { font-size: 1.15rem; margin: 28px 0 8px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th { text-align: left; padding: 4px 16px 4px 0; color: #52606d; font-weight: normal; vertical-align: top; }
td { padding: 4px 0; }
.notice { padding: 12px 16px; border-radius: 6px; margin: 0 0 16px; }
.done { background: #e3f9e5; color: #05400a; }
.error { background: #ffe3e3; color: #610404; }
label { display: block; margin: 8px 0 4px; }
input[type=text], input[type=date] { font: inherit; padding: 6px 8px; border: 1px solid #9aa5b1; border-radius: 4px; }
input[type=text] { width: 100%; box-sizing: border-box; }
button { font: inherit; margin-top: 12px; padding: 8px 16px; border: 0; border-radius: 6px; background: #2563eb; color: #fff; cursor: pointer; }
button.danger { background: #b91c1c; }
button:focus-visible, input:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
fieldset { border: 0; padding: 0; margin: 0; }
legend { font-weight: bold; margin-bottom: 4px; }
.slot { display: block; margin: 4px 0; }
.contact { color: #52606d; margin-top: 32px; }
`;

/** The Content-Security-Policy of the page: its one inline style by hash, forms to itself. */
export const MANAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(MANAGE_STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const PAGE = Handlebars.compile<ManageView & { style: string }>(
  `<!doctype html>
<html lang="{{language}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{title}}</title>
<style>{{{style}}}</style>
</head>
<body>
<main>
<h1>{{title}}</h1>
{{#if notice}}<p class="notice {{notice.kind}}" role="{{notice.role}}">{{notice.text}}</p>{{/if}}
{{#if details.length}}<table>
{{#each details}}<tr><th scope="row">{{label}}</th><td>{{value}}</td></tr>
{{/each}}</table>{{/if}}
{{#if closed}}<p>{{closed}}</p>{{/if}}
{{#if move}}<section aria-labelledby="move-heading">
<h2 id="move-heading">{{move.heading}}</h2>
<form method="get" action="{{move.action}}">
<label for="date">{{move.dateLabel}}</label>
<input type="date" id="date" name="date" value="{{move.date}}" min="{{move.minDate}}" required>
<button type="submit">{{move.show}}</button>
</form>
{{#if move.times}}<form method="post" action="{{move.action}}">
<input type="hidden" name="action" value="reschedule">
<fieldset>
<legend>{{move.times.heading}}</legend>
{{#if move.times.none}}<p>{{move.times.none}}</p>{{/if}}
{{#each move.times.slots}}<label class="slot" for="{{id}}"><input type="radio" id="{{id}}" name="startsAt" value="{{value}}" required> {{label}}</label>
{{/each}}</fieldset>
{{#if move.times.slots.length}}<button type="submit">{{move.times.button}}</button>{{/if}}
</form>{{/if}}
</section>{{/if}}
{{#if cancel}}<section aria-labelledby="cancel-heading">
<h2 id="cancel-heading">{{cancel.heading}}</h2>
<form method="post" action="{{cancel.action}}">
<input type="hidden" name="action" value="cancel">
<label for="reason">{{cancel.reasonLabel}}</label>
<input type="text" id="reason" name="reason" maxlength="1000">
<button type="submit" class="danger">{{cancel.button}}</button>
</form>
</section>{{/if}}
{{#if contact}}<p class="contact">{{contact.text}}{{#each contact.lines}}<br>{{this}}{{/each}}</p>{{/if}}
</main>
</body>
</html>
`,
  { knownHelpersOnly: true },
);

export function renderManagePage(view: ManageView): string {
  return PAGE({ ...view, style: MANAGE_STYLE });
}
