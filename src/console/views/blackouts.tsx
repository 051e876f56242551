import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { errorFor, request } from '../api.js';
import { AffectedChoice, BookingLines, NamedOptions, type OnAffected } from './choices.js';
import { useConsole } from './context.js';
import { Field } from './dialog.js';
import { Problems, useMutation } from './mutation.js';
import { addDays, localInstant, localOf, minutesOf, timeRange, todayIn } from './zone.js';

// Blackouts: the coming ones, and a new one that first shows the open bookings it covers,
// with the choice to keep them or cancel them (with a reason the customers read).

interface Blackout {
  id: string;
  startsAt: string;
  endsAt: string;
  reason: string | null;
  resource: { id: string; name: string } | null;
}
interface Affected {
  id: string;
  reference: string;
  startsAt: string;
  endsAt: string;
  customerName: string;
  resources: Array<{ id: string }>;
}

const FIELDS = ['resourceId', 'startsAt', 'endsAt', 'reason', 'cancellationReason'];

/** "2026-12-07T10:00" (a datetime-local value) in the business's zone, as an instant. */
const instantOfLocal = (value: string, zone: string) =>
  new Date(localInstant(value.slice(0, 10), minutesOf(value.slice(11, 16)), zone)).toISOString();

export function Blackouts() {
  const { credential, me } = useConsole();
  const zone = me.tenant?.timeZone ?? 'UTC';
  const [resources, setResources] = useState<Array<{ id: string; name: string }>>([]);
  const [list, setList] = useState<Blackout[]>([]);
  const [form, setForm] = useState({
    resourceId: '',
    from: `${addDays(todayIn(zone), 1)}T09:00`,
    to: `${addDays(todayIn(zone), 1)}T12:00`,
    reason: '',
    onAffected: 'KEEP' as OnAffected,
    cancellationReason: '',
  });
  const [affected, setAffected] = useState<Affected[] | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { run, errors, busy, general } = useMutation();

  const load = useCallback(async () => {
    const from = new Date(localInstant(todayIn(zone), 0, zone)).toISOString();
    const to = new Date(localInstant(addDays(todayIn(zone), 366), 0, zone)).toISOString();
    const res = await request<{
      resources: Array<{ id: string; name: string }>;
      blackouts: Blackout[];
    }>(
      credential,
      `query Blackouts($from: DateTime!, $to: DateTime!) {
        resources { id name }
        blackouts(from: $from, to: $to) { id startsAt endsAt reason resource { id name } }
      }`,
      { from, to },
    );
    setResources(res.resources);
    setList(res.blackouts);
  }, [credential, zone]);
  useEffect(() => {
    void load();
  }, [load]);

  /** The open bookings the blackout would cover, before anything changes. */
  async function check(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const res = await request<{ bookings: { edges: Array<{ node: Affected }> } }>(
      credential,
      `query Covered($from: DateTime!, $to: DateTime!) {
        bookings(filter: { from: $from, to: $to, statuses: [PENDING, CONFIRMED] }, first: 100) {
          edges { node { id reference startsAt endsAt customerName resources { id } } }
        }
      }`,
      {
        // Bookings that start up to a day before may still run into it.
        from: new Date(Date.parse(instantOfLocal(form.from, zone)) - 86_400_000).toISOString(),
        to: instantOfLocal(form.to, zone),
      },
    );
    const start = Date.parse(instantOfLocal(form.from, zone));
    const end = Date.parse(instantOfLocal(form.to, zone));
    setAffected(
      res.bookings.edges
        .map((e) => e.node)
        .filter(
          (b) =>
            Date.parse(b.endsAt) > start &&
            Date.parse(b.startsAt) < end &&
            (!form.resourceId || b.resources.some((r) => r.id === form.resourceId)),
        ),
    );
  }

  async function add() {
    const payload = await run<{
      userErrors: [];
      blackout: { id: string } | null;
      affectedBookings: Array<{ id: string; status: string }>;
    }>(
      'createBlackout',
      `mutation AddBlackout($input: BlackoutInput!, $onAffected: AffectedBookings, $cancellationReason: String) {
        createBlackout(input: $input, onAffected: $onAffected, cancellationReason: $cancellationReason) {
          blackout { id } affectedBookings { id status } userErrors { code field message }
        }
      }`,
      {
        input: {
          resourceId: form.resourceId || null,
          startsAt: instantOfLocal(form.from, zone),
          endsAt: instantOfLocal(form.to, zone),
          reason: form.reason || null,
        },
        onAffected: form.onAffected,
        cancellationReason: form.cancellationReason || null,
      },
    );
    if (!payload) return;
    const n = payload.affectedBookings.length;
    setDone(
      `Blackout added. ${n} booking${n === 1 ? '' : 's'} ${
        form.onAffected === 'CANCEL' ? 'cancelled' : 'kept'
      }.`,
    );
    setAffected(null);
    await load();
  }

  async function remove(id: string) {
    if (
      await run(
        'deleteBlackout',
        'mutation ($id: ID!) { deleteBlackout(id: $id) { userErrors { code field message } } }',
        { id },
      )
    ) {
      await load();
    }
  }

  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm({ ...form, [name]: e.target.value });
    setAffected(null);
  };
  return (
    <section className="settings" aria-label="Blackouts">
      <h2>Blackouts</h2>
      <form aria-label="New blackout" onSubmit={(e) => void check(e)}>
        <Field label="Resource" error={errorFor(errors, 'resourceId')}>
          <select value={form.resourceId} onChange={set('resourceId')}>
            <option value="">Every resource</option>
            <NamedOptions items={resources} />
          </select>
        </Field>
        <Field label={`From (${zone})`} error={errorFor(errors, 'startsAt')}>
          <input type="datetime-local" value={form.from} onChange={set('from')} required />
        </Field>
        <Field label="To" error={errorFor(errors, 'endsAt')}>
          <input type="datetime-local" value={form.to} onChange={set('to')} required />
        </Field>
        <Field label="Reason (for the team)" error={errorFor(errors, 'reason')}>
          <input value={form.reason} onChange={set('reason')} maxLength={500} />
        </Field>
        <button type="submit">Check the bookings it covers</button>
      </form>
      {affected ? (
        <div className="affected">
          {affected.length === 0 ? (
            <p>No open booking in that time.</p>
          ) : (
            <>
              <p>
                {affected.length} open booking{affected.length === 1 ? '' : 's'} in that time:
              </p>
              <BookingLines bookings={affected} zone={zone} />
              <AffectedChoice
                name="onAffected"
                legend="Those bookings"
                value={form.onAffected}
                onChange={(onAffected) => setForm({ ...form, onAffected })}
                reason={form.cancellationReason}
                onReason={(cancellationReason) => setForm({ ...form, cancellationReason })}
                reasonError={errorFor(errors, 'cancellationReason')}
              />
            </>
          )}
          <Problems messages={general(FIELDS)} />
          <button type="button" disabled={busy} onClick={() => void add()}>
            Add the blackout
          </button>
        </div>
      ) : (
        <Problems messages={general(FIELDS)} />
      )}
      {done ? <p role="status">{done}</p> : null}
      <h3>Coming blackouts</h3>
      <ul className="rows">
        {list.map((b) => (
          <li key={b.id}>
            {localOf(Date.parse(b.startsAt), zone).date}{' '}
            {timeRange(Date.parse(b.startsAt), Date.parse(b.endsAt), zone)} ·{' '}
            {b.resource?.name ?? 'every resource'}
            {b.reason ? ` · ${b.reason}` : ''}{' '}
            <button type="button" onClick={() => void remove(b.id)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
