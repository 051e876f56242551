import { Field } from './dialog.js';
import { localOf, timeRange } from './zone.js';

// Pieces several forms share: the keep-or-cancel choice for the bookings a change leaves
// outside availability, a list of those bookings, and a list of checkboxes.

export type OnAffected = 'KEEP' | 'CANCEL';

/** Keep the bookings a change leaves outside, or cancel them with the reason customers read. */
export function AffectedChoice({
  name,
  legend,
  value,
  onChange,
  reason,
  onReason,
  reasonError,
}: {
  name: string;
  legend: string;
  value: OnAffected;
  onChange: (value: OnAffected) => void;
  reason: string;
  onReason: (reason: string) => void;
  reasonError: string | null;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {(['KEEP', 'CANCEL'] as const).map((choice) => (
        <label key={choice} className="check">
          <input
            type="radio"
            name={name}
            value={choice}
            checked={value === choice}
            onChange={() => onChange(choice)}
          />
          {choice === 'KEEP' ? 'Keep them' : 'Cancel them and tell the customers'}
        </label>
      ))}
      {value === 'CANCEL' ? (
        <Field label="Reason the customers read" error={reasonError}>
          <input value={reason} onChange={(e) => onReason(e.target.value)} />
        </Field>
      ) : null}
    </fieldset>
  );
}

export interface ListedBooking {
  id: string;
  reference: string;
  startsAt: string;
  endsAt: string;
  customerName: string;
  status?: string;
}

/** Bookings as one line each: day, time, customer, reference (and status when known). */
export function BookingLines({ bookings, zone }: { bookings: ListedBooking[]; zone: string }) {
  return (
    <ul>
      {bookings.map((b) => (
        <li key={b.id}>
          {localOf(Date.parse(b.startsAt), zone).date}{' '}
          {timeRange(Date.parse(b.startsAt), Date.parse(b.endsAt), zone)} · {b.customerName} ·{' '}
          {b.reference}
          {b.status ? ` · ${b.status}` : ''}
        </li>
      ))}
    </ul>
  );
}

/** Checkboxes over `options`, the checked values in `value`; an error below them. */
/** One `<option>` per named thing (a resource, a service), its id the value. */
export function NamedOptions({ items }: { items: ReadonlyArray<{ id: string; name: string }> }) {
  return (
    <>
      {items.map((item) => (
        <option key={item.id} value={item.id}>
          {item.name}
        </option>
      ))}
    </>
  );
}

export function CheckList({
  legend,
  options,
  value,
  onChange,
  error = null,
}: {
  legend: string;
  options: Array<{ value: string; label: string }>;
  value: readonly string[];
  onChange: (value: string[]) => void;
  error?: string | null;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="check">
          <input
            type="checkbox"
            checked={value.includes(o.value)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, o.value] : value.filter((v) => v !== o.value))
            }
          />
          {o.label}
        </label>
      ))}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}
