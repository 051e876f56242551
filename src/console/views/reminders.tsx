import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { errorFor, request } from '../api.js';
import { NamedOptions } from './choices.js';
import { useConsole } from './context.js';
import { Field } from './dialog.js';
import { Problems, useMutation } from './mutation.js';

// Reminder rules: who is reminded, how long before. Saving replaces the whole list.

interface Rule {
  offsetMinutes: number;
  recipient: string;
  serviceIds: string[];
  active: boolean;
}

const RECIPIENTS: Record<string, string> = {
  CUSTOMER: 'the customer',
  BUSINESS: "the business's address",
  STAFF: 'the staff on the booking',
};

/** "1 day 2 hours", "30 minutes". */
function before(minutes: number): string {
  const parts: string[] = [];
  const units: Array<[number, string]> = [
    [1440, 'day'],
    [60, 'hour'],
    [1, 'minute'],
  ];
  let left = minutes;
  for (const [size, name] of units) {
    const n = Math.floor(left / size);
    if (n) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    left -= n * size;
  }
  return parts.join(' ');
}

export function Reminders() {
  const { credential } = useConsole();
  const [rules, setRules] = useState<Rule[]>([]);
  const [services, setServices] = useState<Array<{ id: string; name: string }>>([]);
  const [form, setForm] = useState({ hours: '2', recipient: 'CUSTOMER', serviceId: '' });
  const [done, setDone] = useState<string | null>(null);
  const { run, errors, busy, general } = useMutation();

  const load = useCallback(async () => {
    const res = await request<{
      reminderRules: Rule[];
      services: Array<{ id: string; name: string }>;
    }>(
      credential,
      '{ reminderRules { offsetMinutes recipient serviceIds active } services { id name } }',
    );
    setRules(res.reminderRules);
    setServices(res.services);
  }, [credential]);
  useEffect(() => {
    void load();
  }, [load]);

  async function save(next: Rule[], what: string) {
    const ok = await run(
      'setReminderRules',
      `mutation SetRules($rules: [ReminderRuleInput!]!) {
        setReminderRules(rules: $rules) { rules { offsetMinutes } userErrors { code field message } }
      }`,
      { rules: next },
    );
    if (!ok) return;
    setDone(what);
    await load();
  }

  function add(e: FormEvent) {
    e.preventDefault();
    const offsetMinutes = Math.round(Number(form.hours) * 60);
    void save(
      [
        ...rules,
        {
          offsetMinutes,
          recipient: form.recipient,
          serviceIds: form.serviceId ? [form.serviceId] : [],
          active: true,
        },
      ],
      'Rule added; the bookings still to start are re-planned',
    );
  }

  const nameOf = (id: string) => services.find((s) => s.id === id)?.name ?? id;
  // A rule's errors name it by position: rules.<n>.offsetMinutes; the new one is the last.
  return (
    <section className="settings" aria-label="Reminders">
      <h2>Reminders</h2>
      <ul className="rows" aria-label="Reminder rules">
        {rules.map((r, i) => (
          <li key={`${r.recipient}-${r.offsetMinutes}-${r.serviceIds.join()}`}>
            {before(r.offsetMinutes)} before, to {RECIPIENTS[r.recipient] ?? r.recipient}
            {r.serviceIds.length ? ` (${r.serviceIds.map(nameOf).join(', ')})` : ''}
            {r.active ? '' : ' · off'}{' '}
            <button
              type="button"
              onClick={() =>
                void save(
                  rules.filter((_, j) => j !== i),
                  'Rule removed',
                )
              }
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form aria-label="New reminder rule" onSubmit={add}>
        <Field label="Hours before the start" error={errorFor(errors, 'offsetMinutes')}>
          <input
            type="number"
            step="any"
            value={form.hours}
            onChange={(e) => setForm({ ...form, hours: e.target.value })}
            required
          />
        </Field>
        <Field label="To" error={errorFor(errors, 'recipient')}>
          <select
            value={form.recipient}
            onChange={(e) => setForm({ ...form, recipient: e.target.value })}
          >
            {Object.entries(RECIPIENTS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="For" error={errorFor(errors, 'serviceIds')}>
          <select
            value={form.serviceId}
            onChange={(e) => setForm({ ...form, serviceId: e.target.value })}
          >
            <option value="">Every service</option>
            <NamedOptions items={services} />
          </select>
        </Field>
        <Problems messages={general(['offsetMinutes', 'recipient', 'serviceIds'])} />
        <button type="submit" disabled={busy}>
          Add the rule
        </button>
      </form>
      {done ? <p role="status">{done}</p> : null}
    </section>
  );
}
