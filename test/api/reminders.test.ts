import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { sunkMail } from '../helpers/mail-sink.js';
import {
  addStaff,
  book,
  createService,
  everyDay,
  type Scenario,
  scenario,
} from '../helpers/scenario.js';

// Issue 20 (first part): reminder rules, planned in the booking's transaction, re-planned,
// dropped and skipped as domain.md says ("Reminders and customer messages"), with the app's
// clock pinned and moved by the test.

const NOW = Date.parse('2027-03-01T07:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let now = NOW;
let t: TestApp;

interface Note {
  kind: string;
  recipient: string;
  status: string;
  sendAt: string | null;
  lastError: string | null;
}
const NOTES = `query ($id: ID) { notifications(bookingId: $id, first: 200) { kind recipient status sendAt lastError } }`;

async function remindersOf(s: Scenario, bookingId: string) {
  const res = await s.admin<{ notifications: Note[] }>(NOTES, { id: bookingId });
  return res.notifications
    .filter((n) => n.kind.startsWith('reminder.'))
    .sort(
      (a, b) => (a.sendAt ?? '').localeCompare(b.sendAt ?? '') || a.status.localeCompare(b.status),
    );
}

async function newBooking(s: Scenario, startsAt: number, serviceId = s.serviceId) {
  const res = await book(t, s.tenant.slug, {
    serviceId,
    startsAt: new Date(startsAt).toISOString(),
  });
  const id = res.data?.createBooking.booking?.id;
  if (!id) throw new Error(JSON.stringify(res));
  return id;
}

const SET = `mutation ($rules: [ReminderRuleInput!]!) {
  setReminderRules(rules: $rules) {
    rules { id offsetMinutes recipient serviceIds active }
    userErrors { code field message }
  }
}`;
interface SetResult {
  setReminderRules: {
    rules: Array<{
      offsetMinutes: number;
      recipient: string;
      serviceIds: string[];
      active: boolean;
    }> | null;
    userErrors: Array<{ code: string; field: string[]; message: string }>;
  };
}

beforeAll(async () => {
  t = await startTestApp({}, { clock: () => now });
});
afterAll(async () => {
  await t?.close();
});

const at = (offset: number) => new Date(offset).toISOString();

describe('reminder rules', () => {
  it('a new business starts with one rule: the customer, 24 hours before', async () => {
    const s = await scenario(t, 'rem-default', { windows: everyDay('08:00', '20:00') });
    const res = await s.admin<{ reminderRules: unknown[] }>(
      '{ reminderRules { offsetMinutes recipient serviceIds active } }',
    );
    expect(res.reminderRules).toEqual([
      { offsetMinutes: 1440, recipient: 'CUSTOMER', serviceIds: [], active: true },
    ]);
  });

  it('plans a reminder with the booking, skips one whose time has passed, replaces it on a move and drops it on a cancel', async () => {
    const s = await scenario(t, 'rem-plan', { windows: everyDay('08:00', '20:00') });
    const start = NOW + 3 * DAY + 3 * HOUR; // 10:00, three days ahead
    const id = await newBooking(s, start);
    expect(await remindersOf(s, id)).toEqual([
      {
        kind: 'reminder.customer',
        recipient: 'ada@example.com',
        status: 'SCHEDULED',
        sendAt: at(start - DAY),
        lastError: null,
      },
    ]);
    // Five hours ahead: the 24-hour reminder's time has passed; recorded, never sent late.
    const soon = await newBooking(s, NOW + 5 * HOUR);
    expect(await remindersOf(s, soon)).toEqual([
      expect.objectContaining({
        status: 'SKIPPED',
        sendAt: at(NOW + 5 * HOUR - DAY),
        lastError: 'its time had passed when the booking was made',
      }),
    ]);
    const moved = start + DAY;
    await s.admin(
      'mutation ($id: ID!, $at: DateTime!) { rescheduleBooking(id: $id, startsAt: $at) { userErrors { message } } }',
      { id, at: at(moved) },
    );
    expect((await remindersOf(s, id)).map((r) => [r.status, r.sendAt, r.lastError])).toEqual([
      ['SKIPPED', at(start - DAY), 'the booking moved: replaced'],
      ['SCHEDULED', at(moved - DAY), null],
    ]);
    await s.admin('mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { message } } }', {
      id,
    });
    expect((await remindersOf(s, id)).map((r) => [r.status, r.lastError])).toEqual([
      ['SKIPPED', 'the booking moved: replaced'],
      ['SKIPPED', 'the booking is cancelled'],
    ]);
  });

  it('plans the reminders of a booking that waits for confirmation when it is confirmed', async () => {
    const s = await scenario(t, 'rem-confirm', {
      windows: everyDay('08:00', '20:00'),
      service: { requiresConfirmation: true },
    });
    const id = await newBooking(s, NOW + 4 * DAY + 3 * HOUR);
    expect(await remindersOf(s, id)).toEqual([]);
    await s.admin('mutation ($id: ID!) { confirmBooking(id: $id) { userErrors { message } } }', {
      id,
    });
    expect((await remindersOf(s, id)).map((r) => r.status)).toEqual(['SCHEDULED']);
  });

  it('replaces the rules and re-plans the bookings still to start, to the customer, the business and the staff', async () => {
    const s = await scenario(t, 'rem-set', { windows: everyDay('08:00', '20:00') });
    const other = await createService(s.admin, { name: 'Other', durationMinutes: 60 });
    await addStaff(t, s, {
      email: 'sam@rem-set.example',
      password: 'a long enough password',
      resourceIds: [s.resourceId],
    });
    const start = NOW + 2 * DAY + 3 * HOUR;
    const a = await newBooking(s, start);
    const b = await newBooking(s, start + HOUR, other);
    const res = await s.admin<SetResult>(SET, {
      rules: [
        { offsetMinutes: 120, recipient: 'CUSTOMER' },
        { offsetMinutes: 1440, recipient: 'BUSINESS' },
        { offsetMinutes: 30, recipient: 'STAFF', serviceIds: [s.serviceId] },
      ],
    });
    expect(res.setReminderRules.userErrors).toEqual([]);
    expect(res.setReminderRules.rules).toHaveLength(3);
    const planned = (r: Note[]) =>
      r.filter((n) => n.status === 'SCHEDULED').map((n) => [n.kind, n.recipient, n.sendAt]);
    expect(planned(await remindersOf(s, a))).toEqual([
      ['reminder.business', `hello@${s.tenant.slug}.example`, at(start - DAY)],
      ['reminder.customer', 'ada@example.com', at(start - 2 * HOUR)],
      ['reminder.staff', 'sam@rem-set.example', at(start - 30 * MINUTE)],
    ]);
    expect(planned(await remindersOf(s, b))).toEqual([
      ['reminder.business', `hello@${s.tenant.slug}.example`, at(start + HOUR - DAY)],
      ['reminder.customer', 'ada@example.com', at(start + HOUR - 2 * HOUR)],
    ]);
    // The 24-hour one planned before is dropped, saying why.
    expect((await remindersOf(s, a)).filter((n) => n.status === 'SKIPPED')).toEqual([
      expect.objectContaining({ lastError: 'the reminder rules changed', sendAt: at(start - DAY) }),
    ]);
  });

  it('refuses bad rules, naming the field and the rule, and changes nothing', async () => {
    const s = await scenario(t, 'rem-bad', { windows: everyDay('08:00', '20:00') });
    const id = await newBooking(s, NOW + 3 * DAY + 3 * HOUR);
    const before = await remindersOf(s, id);
    const cases: Array<[unknown[], string[], RegExp]> = [
      [
        [{ offsetMinutes: 0, recipient: 'CUSTOMER' }],
        ['rules', '0', 'offsetMinutes'],
        /at least 1/,
      ],
      [
        [{ offsetMinutes: 50_000, recipient: 'CUSTOMER' }],
        ['rules', '0', 'offsetMinutes'],
        /at most 43200/,
      ],
      [
        [
          {
            offsetMinutes: 60,
            recipient: 'CUSTOMER',
            serviceIds: ['00000000-0000-4000-8000-000000000000'],
          },
        ],
        ['rules', '0', 'serviceIds'],
        /No service/,
      ],
      [
        [
          { offsetMinutes: 60, recipient: 'CUSTOMER' },
          { offsetMinutes: 60, recipient: 'CUSTOMER' },
        ],
        ['rules', '1'],
        /repeats an earlier rule/,
      ],
      [
        Array.from({ length: 11 }, (_, i) => ({ offsetMinutes: i + 1, recipient: 'CUSTOMER' })),
        ['rules'],
        /at most 10/,
      ],
    ];
    for (const [rules, field, message] of cases) {
      const res = await s.admin<SetResult>(SET, { rules });
      expect(res.setReminderRules.rules).toBeNull();
      expect(res.setReminderRules.userErrors[0]?.field).toEqual(field);
      expect(res.setReminderRules.userErrors[0]?.message).toMatch(message);
    }
    const rules = await s.admin<{ reminderRules: unknown[] }>(
      '{ reminderRules { offsetMinutes } }',
    );
    expect(rules.reminderRules).toEqual([{ offsetMinutes: 1440 }]);
    expect(await remindersOf(s, id)).toEqual(before);
  });

  it('sends a reminder when its time comes, after reading the booking again', async () => {
    const s = await scenario(t, 'rem-send', { windows: everyDay('08:00', '20:00') });
    await s.admin<SetResult>(SET, { rules: [{ offsetMinutes: 60, recipient: 'CUSTOMER' }] });
    const start = NOW + 2 * DAY + 3 * HOUR;
    const kept = await newBooking(s, start);
    const movedBehind = await newBooking(s, start + HOUR);
    // Moved by a script, past the app: the reminder planned for the old time must not go.
    await sql(
      t.database,
      "update booking set starts_at = starts_at + interval '2 hours', ends_at = ends_at + interval '2 hours', occupied_start = occupied_start + interval '2 hours', occupied_end = occupied_end + interval '2 hours' where id = $1",
      [movedBehind],
    );
    now = start + HOUR - 30 * MINUTE; // after both reminders' time
    try {
      let statuses: string[] = [];
      for (let i = 0; i < 200; i++) {
        statuses = [
          ...(await remindersOf(s, kept)).map((r) => r.status),
          ...(await remindersOf(s, movedBehind)).map((r) => r.status),
        ];
        if (statuses.every((x) => x === 'SENT' || x === 'SKIPPED')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(statuses).toEqual(['SENT', 'SKIPPED']);
      expect((await remindersOf(s, movedBehind))[0]?.lastError).toBe(
        'the booking has moved since this reminder was planned',
      );
      const mails = await sunkMail(t);
      // This business's (the clock moved for the other tests' businesses too).
      const reminders = mails.filter(
        (m) =>
          m.subject?.startsWith('Reminder: Appointment') &&
          m.replyTo?.text.includes('rem-send.example'),
      );
      expect(reminders).toHaveLength(1);
      expect(reminders[0]?.text).toMatch(/this is a reminder of your booking/);
      // With the manage link, which opens this booking.
      const link = /\/rem-send\/manage\/(\S+)/.exec(reminders[0]?.text ?? '')?.[1];
      const opened = await t.gql<{ bookingByToken: { id: string } | null }>(
        'query ($t: String!) { bookingByToken(token: $t) { id } }',
        { t: decodeURIComponent(link ?? '') },
        { tenant: 'rem-send' },
      );
      expect(opened.data?.bookingByToken?.id).toBe(kept);
      expect(reminders[0]?.attachments.filter((a) => a.contentType === 'text/calendar')).toEqual(
        [],
      );
    } finally {
      now = NOW;
    }
  });
});

describe('docs/API.md, "Reminders"', () => {
  it('the example sets the three rules it shows', async () => {
    const s = await scenario(t, 'rem-doc', { windows: everyDay('08:00', '20:00') });
    const doc = await readFile(path.join(PROJECT_ROOT, 'docs', 'API.md'), 'utf8');
    const block = /```graphql\n(mutation Reminders[\s\S]*?)```/.exec(doc)?.[1];
    if (!block) throw new Error('no example Reminders in docs/API.md');
    const res = await s.admin<SetResult>(block);
    expect(res.setReminderRules.userErrors).toEqual([]);
    expect(res.setReminderRules.rules?.map((r) => [r.offsetMinutes, r.recipient])).toEqual([
      [1440, 'CUSTOMER'],
      [120, 'CUSTOMER'],
      [30, 'STAFF'],
    ]);
  });
});
