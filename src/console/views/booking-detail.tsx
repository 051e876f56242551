import { type FormEvent, useEffect, useState } from 'react';
import { errorFor, request, type UserError } from '../api.js';
import { useConsole } from './context.js';
import { Dialog, Field } from './dialog.js';
import { Problems, useMutation } from './mutation.js';
import { localOf, timeRange } from './zone.js';

// A booking from a click: who, what, where, its history and its email; what can be done.

interface Detail {
  id: string;
  reference: string;
  status: string;
  startsAt: string;
  endsAt: string;
  seats: number;
  customerName: string;
  customerEmail: string;
  customerPhone: string | null;
  notes: string | null;
  cancellationReason: string | null;
  service: { id: string; name: string };
  resources: Array<{ id: string; name: string }>;
}
interface History {
  action: string;
  actorLabel: string;
  createdAt: string;
}
interface Note {
  id: string;
  kind: string;
  recipient: string;
  status: string;
  sendAt: string | null;
  sentAt: string | null;
  lastError: string | null;
}

const DETAIL = `query BookingDetail($id: ID!) {
  booking(id: $id) {
    id reference status startsAt endsAt seats customerName customerEmail customerPhone notes
    cancellationReason service { id name } resources { id name }
  }
  auditEvents(entityId: $id) { action actorLabel createdAt }
  notifications(bookingId: $id) { id kind recipient status sendAt sentAt lastError }
}`;

const PAYLOAD = 'booking { id status } userErrors { code field message }';

/** The fields of the forms below; a userError naming another shows above the actions. */
const FIELDS = ['reason', 'startsAt', 'name', 'email', 'phone', 'notes'];

export function BookingDetail({
  id,
  onClose,
  onChanged,
}: {
  id: string;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { credential, me } = useConsole();
  const zone = me.tenant?.timeZone ?? 'UTC';
  const [state, setState] = useState<{
    booking: Detail | null;
    history: History[];
    notifications: Note[];
  } | null>(null);
  const mutation = useMutation();
  const errors = mutation.errors;
  const [message, setMessage] = useState<string | null>(null);
  const [mode, setMode] = useState<'none' | 'cancel' | 'move' | 'edit'>('none');
  const [version, setVersion] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal.
  useEffect(() => {
    request<{ booking: Detail | null; auditEvents: History[]; notifications: Note[] }>(
      credential,
      DETAIL,
      { id },
    )
      .then((res) =>
        setState({
          booking: res.booking,
          history: res.auditEvents,
          notifications: res.notifications,
        }),
      )
      .catch((err: Error) => setMessage(err.message));
  }, [credential, id, version]);

  /** Runs a booking mutation; its userErrors shown by their fields, else the change reloaded. */
  async function act(
    name: string,
    query: string,
    variables: Record<string, unknown>,
    done: string,
  ) {
    setMessage(null);
    if (!(await mutation.run(name, query, variables))) return;
    setMode('none');
    setMessage(done);
    setVersion((v) => v + 1);
    onChanged();
  }

  const b = state?.booking;
  const title = b ? `Booking ${b.reference}` : 'Booking';
  const open = b && (b.status === 'PENDING' || b.status === 'CONFIRMED');
  const simple = (mutation: string, label: string, done: string) => (
    <button
      type="button"
      onClick={() =>
        void act(
          mutation,
          `mutation ($id: ID!) { ${mutation}(id: $id) { ${PAYLOAD} } }`,
          { id },
          done,
        )
      }
    >
      {label}
    </button>
  );

  return (
    <Dialog title={title} onClose={onClose}>
      {!state ? <p>Loading…</p> : null}
      {state && !b ? <p>This booking is not yours to see, or no longer exists.</p> : null}
      {b ? (
        <>
          <dl className="detail">
            <dt>Status</dt>
            <dd data-testid="booking-status">{b.status}</dd>
            <dt>When</dt>
            <dd>
              {localOf(Date.parse(b.startsAt), zone).date},{' '}
              {timeRange(Date.parse(b.startsAt), Date.parse(b.endsAt), zone)}
            </dd>
            <dt>Service</dt>
            <dd>
              {b.service.name}
              {b.seats > 1 ? ` · ${b.seats} seats` : ''}
            </dd>
            <dt>With</dt>
            <dd>{b.resources.map((r) => r.name).join(', ')}</dd>
            <dt>Customer</dt>
            <dd>
              {b.customerName} · {b.customerEmail}
              {b.customerPhone ? ` · ${b.customerPhone}` : ''}
            </dd>
            {b.notes ? (
              <>
                <dt>Notes</dt>
                <dd>{b.notes}</dd>
              </>
            ) : null}
            {b.cancellationReason ? (
              <>
                <dt>Reason</dt>
                <dd>{b.cancellationReason}</dd>
              </>
            ) : null}
          </dl>
          {message ? <p role="status">{message}</p> : null}
          <Problems messages={mutation.general(FIELDS)} />
          <div className="actions">
            {b.status === 'PENDING' ? simple('confirmBooking', 'Confirm', 'Confirmed') : null}
            {open ? (
              <>
                <button type="button" onClick={() => setMode('move')}>
                  Reschedule
                </button>
                <button type="button" onClick={() => setMode('cancel')}>
                  Cancel…
                </button>
                <button type="button" onClick={() => setMode('edit')}>
                  Edit details
                </button>
                {simple('resendManageLink', 'Resend manage link', 'The link is on its way')}
              </>
            ) : null}
            {b.status === 'CONFIRMED' ? (
              <>
                {simple('completeBooking', 'Complete', 'Completed')}
                {simple('markNoShow', 'No-show', 'Marked as a no-show')}
              </>
            ) : null}
          </div>
          {mode === 'cancel' ? (
            <CancelForm
              errors={errors}
              onCancel={(reason) =>
                void act(
                  'cancelBooking',
                  `mutation ($id: ID!, $reason: String) { cancelBooking(id: $id, reason: $reason) { ${PAYLOAD} } }`,
                  { id, reason: reason || null },
                  'Cancelled',
                )
              }
            />
          ) : null}
          {mode === 'move' ? (
            <MoveForm
              booking={b}
              zone={zone}
              errors={errors}
              onMove={(startsAt) =>
                void act(
                  'rescheduleBooking',
                  `mutation ($id: ID!, $startsAt: DateTime!) { rescheduleBooking(id: $id, startsAt: $startsAt) { ${PAYLOAD} } }`,
                  { id, startsAt },
                  'Moved',
                )
              }
            />
          ) : null}
          {mode === 'edit' ? (
            <EditForm
              booking={b}
              errors={errors}
              onSave={(input) =>
                void act(
                  'updateBookingDetails',
                  `mutation ($id: ID!, $input: BookingDetailsInput!) { updateBookingDetails(id: $id, input: $input) { ${PAYLOAD} } }`,
                  { id, input },
                  'Saved',
                )
              }
            />
          ) : null}
          <h3>History</h3>
          <ol className="history">
            {state?.history.map((h) => (
              <li key={`${h.createdAt}-${h.action}`}>
                {new Date(h.createdAt).toLocaleString('en-GB', { timeZone: zone })} · {h.action} ·{' '}
                {h.actorLabel}
              </li>
            ))}
          </ol>
          <h3>Email</h3>
          <ul className="notifications">
            {state?.notifications.map((n) => (
              <li key={n.id}>
                {n.kind} to {n.recipient}: <strong>{n.status}</strong>
                {n.sendAt && n.status === 'SCHEDULED'
                  ? ` for ${new Date(n.sendAt).toLocaleString('en-GB', { timeZone: zone })}`
                  : ''}
                {n.lastError ? ` (${n.lastError})` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Dialog>
  );
}

function CancelForm({
  errors,
  onCancel,
}: {
  errors: UserError[];
  onCancel: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <form
      aria-label="Cancel the booking"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onCancel(reason.trim());
      }}
    >
      <Field label="Reason (the customer reads it)" error={errorFor(errors, 'reason')}>
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />
      </Field>
      <button type="submit" className="danger">
        Cancel the booking
      </button>
    </form>
  );
}

function MoveForm({
  booking,
  zone,
  errors,
  onMove,
}: {
  booking: Detail;
  zone: string;
  errors: UserError[];
  onMove: (startsAt: string) => void;
}) {
  const { credential } = useConsole();
  const [date, setDate] = useState(() => localOf(Date.parse(booking.startsAt), zone).date);
  const [slots, setSlots] = useState<Array<{ startsAt: string; endsAt: string }> | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  async function show(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    try {
      const res = await request<{ slots: Array<{ startsAt: string; endsAt: string }> }>(
        credential,
        'query ($serviceId: ID!, $date: LocalDate!) { slots(serviceId: $serviceId, from: $date, to: $date) { startsAt endsAt } }',
        { serviceId: booking.service.id, date },
      );
      setSlots(res.slots.filter((s) => s.startsAt !== booking.startsAt));
    } catch (err) {
      setProblem((err as Error).message);
    }
  }
  const fieldError = errorFor(errors, 'startsAt') ?? problem;
  return (
    <form aria-label="Reschedule" onSubmit={(e) => void show(e)}>
      <Field label="Day" error={fieldError}>
        <input
          type="date"
          value={date}
          min={localOf(Date.now(), zone).date}
          onChange={(e) => setDate(e.target.value)}
          required
        />
      </Field>
      <button type="submit">Show free times</button>
      {slots ? (
        <fieldset className="slots">
          <legend>Free times on {date}</legend>
          {slots.length === 0 ? <p>No free time on this day.</p> : null}
          {slots.map((s) => (
            <button key={s.startsAt} type="button" onClick={() => onMove(s.startsAt)}>
              {timeRange(Date.parse(s.startsAt), Date.parse(s.endsAt), zone)}
            </button>
          ))}
        </fieldset>
      ) : null}
    </form>
  );
}

function EditForm({
  booking,
  errors,
  onSave,
}: {
  booking: Detail;
  errors: UserError[];
  onSave: (input: Record<string, string | null>) => void;
}) {
  const [form, setForm] = useState({
    name: booking.customerName,
    email: booking.customerEmail,
    phone: booking.customerPhone ?? '',
    notes: booking.notes ?? '',
  });
  const input = (name: keyof typeof form, label: string, type = 'text') => (
    <Field label={label} error={errorFor(errors, name)}>
      <input
        type={type}
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
    </Field>
  );
  return (
    <form
      aria-label="Edit details"
      onSubmit={(e) => {
        e.preventDefault();
        onSave({
          name: form.name,
          email: form.email,
          phone: form.phone || null,
          notes: form.notes || null,
        });
      }}
    >
      {input('name', 'Name')}
      {input('email', 'Email', 'email')}
      {input('phone', 'Phone', 'tel')}
      {input('notes', 'Notes')}
      <button type="submit">Save</button>
    </form>
  );
}
