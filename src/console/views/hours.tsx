import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { errorFor, request } from '../api.js';
import { AffectedChoice, BookingLines, NamedOptions, type OnAffected } from './choices.js';
import { useConsole } from './context.js';
import { Field } from './dialog.js';
import { Problems, useMutation } from './mutation.js';
import { addDays, todayIn, WEEKDAYS } from './zone.js';

// Opening hours: a resource's weekly pattern and its date overrides, written as
// "09:00-12:30, 13:30-17:00" per day ("" = closed). Bookings a change leaves outside the
// hours are kept or cancelled, as chosen.

interface Window {
  startTime: string;
  endTime: string;
}
interface HoursResource {
  id: string;
  name: string;
  weeklyWindows: Array<Window & { weekday: string }>;
  dateOverrides: Array<{ date: string; windows: Window[] }>;
}
interface Affected {
  id: string;
  reference: string;
  startsAt: string;
  endsAt: string;
  customerName: string;
  status: string;
}

const ERRORS =
  'affectedBookings { id reference startsAt endsAt customerName status } userErrors { code field message }';

/** "09:00-12:30, 13:30-17:00" -> windows; null when it is not written that way. */
export function parseWindows(text: string): Window[] | null {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const out: Window[] = [];
  for (const part of parts) {
    const m = /^(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$/.exec(part);
    if (!m?.[1] || !m[2]) return null;
    out.push({ startTime: m[1].padStart(5, '0'), endTime: m[2].padStart(5, '0') });
  }
  return out;
}

const written = (windows: Window[]) => windows.map((w) => `${w.startTime}-${w.endTime}`).join(', ');

export function Hours() {
  const { credential, me } = useConsole();
  const zone = me.tenant?.timeZone ?? 'UTC';
  const [resources, setResources] = useState<HoursResource[]>([]);
  const [resourceId, setResourceId] = useState('');
  const [week, setWeek] = useState<Record<string, string>>({});
  const [override, setOverride] = useState({ date: addDays(todayIn(zone), 7), windows: '' });
  const [onAffected, setOnAffected] = useState<OnAffected>('KEEP');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<{ text: string; affected: Affected[] } | null>(null);
  const [formatProblem, setFormatProblem] = useState<string | null>(null);
  /** The windows last sent, to put an error on windows.<n> beside its day. */
  const [sent, setSent] = useState<Array<{ weekday: string }>>([]);
  const weekly = useMutation();
  const dated = useMutation();

  const load = useCallback(async () => {
    const res = await request<{ resources: HoursResource[] }>(
      credential,
      `query Hours($from: LocalDate!, $to: LocalDate!) { resources {
        id name weeklyWindows { weekday startTime endTime }
        dateOverrides(from: $from, to: $to) { date windows { startTime endTime } }
      } }`,
      { from: todayIn(zone), to: addDays(todayIn(zone), 365) },
    );
    setResources(res.resources);
    setResourceId((id) => id || res.resources[0]?.id || '');
  }, [credential, zone]);
  useEffect(() => {
    void load();
  }, [load]);

  const resource = resources.find((r) => r.id === resourceId);
  useEffect(() => {
    if (!resource) return;
    setWeek(
      Object.fromEntries(
        WEEKDAYS.map((d) => [d, written(resource.weeklyWindows.filter((w) => w.weekday === d))]),
      ),
    );
  }, [resource]);

  const choice = {
    onAffected,
    cancellationReason: onAffected === 'CANCEL' ? reason || null : null,
  };
  const told = (payload: { affectedBookings: Affected[] }, what: string) => {
    const n = payload.affectedBookings.length;
    setResult({
      text: `${what}. ${n} booking${n === 1 ? '' : 's'} outside the new hours ${
        onAffected === 'CANCEL' ? 'cancelled' : 'kept'
      }.`,
      affected: payload.affectedBookings,
    });
  };

  async function saveWeek(e: FormEvent) {
    e.preventDefault();
    setFormatProblem(null);
    const windows = [];
    for (const day of WEEKDAYS) {
      const parsed = parseWindows(week[day] ?? '');
      if (!parsed) {
        setFormatProblem(`${day.toLowerCase()}: write the hours as 09:00-12:30, 13:30-17:00`);
        return;
      }
      windows.push(...parsed.map((w) => ({ weekday: day, ...w })));
    }
    setSent(windows);
    const payload = await weekly.run<{ userErrors: []; affectedBookings: Affected[] }>(
      'setWeeklyWindows',
      `mutation SetHours($resourceId: ID, $windows: [WeeklyWindowInput!]!, $onAffected: AffectedBookings, $cancellationReason: String) {
        setWeeklyWindows(resourceId: $resourceId, windows: $windows, onAffected: $onAffected, cancellationReason: $cancellationReason) { ${ERRORS} }
      }`,
      { resourceId, windows, ...choice },
    );
    if (!payload) return;
    told(payload, 'Weekly hours saved');
    await load();
  }

  async function saveOverride(e: FormEvent) {
    e.preventDefault();
    setFormatProblem(null);
    const windows = parseWindows(override.windows);
    if (!windows) {
      setFormatProblem('write the hours as 09:00-12:30, 13:30-17:00, or leave empty for closed');
      return;
    }
    const payload = await dated.run<{ userErrors: []; affectedBookings: Affected[] }>(
      'setDateOverride',
      `mutation SetDay($resourceId: ID, $date: LocalDate!, $windows: [TimeWindowInput!]!, $onAffected: AffectedBookings, $cancellationReason: String) {
        setDateOverride(resourceId: $resourceId, date: $date, windows: $windows, onAffected: $onAffected, cancellationReason: $cancellationReason) { ${ERRORS} }
      }`,
      { resourceId, date: override.date, windows, ...choice },
    );
    if (!payload) return;
    told(payload, `Hours of ${override.date} saved`);
    await load();
  }

  async function clear(date: string) {
    const payload = await dated.run<{ userErrors: []; affectedBookings: Affected[] }>(
      'clearDateOverride',
      `mutation ClearDay($resourceId: ID, $date: LocalDate!, $onAffected: AffectedBookings) {
        clearDateOverride(resourceId: $resourceId, date: $date, onAffected: $onAffected) { ${ERRORS} }
      }`,
      { resourceId, date, onAffected },
    );
    if (!payload) return;
    told(payload, `${date} follows the weekly hours again`);
    await load();
  }

  const dayError = (day: string) =>
    weekly.errors.find(
      (e) => e.field?.includes('windows') && sent[Number(e.field.at(-2))]?.weekday === day,
    )?.message ?? null;
  const unplaced = weekly.errors.filter((e) => !WEEKDAYS.some((d) => dayError(d) === e.message));
  return (
    <section className="settings" aria-label="Opening hours">
      <h2>Opening hours</h2>
      <Field label="Resource" error={null}>
        <select value={resourceId} onChange={(e) => setResourceId(e.target.value)}>
          <NamedOptions items={resources} />
        </select>
      </Field>
      <AffectedChoice
        name="hours-affected"
        legend="Bookings a change leaves outside the hours"
        value={onAffected}
        onChange={setOnAffected}
        reason={reason}
        onReason={setReason}
        reasonError={null}
      />
      {result ? (
        <div role="status">
          <p>{result.text}</p>
          <BookingLines bookings={result.affected} zone={zone} />
        </div>
      ) : null}
      {formatProblem ? (
        <p className="error" role="alert">
          {formatProblem}
        </p>
      ) : null}
      <h3>Every week ({zone})</h3>
      <form aria-label="Weekly hours" onSubmit={(e) => void saveWeek(e)}>
        {WEEKDAYS.map((day) => (
          <Field key={day} label={day[0] + day.slice(1).toLowerCase()} error={dayError(day)}>
            <input
              value={week[day] ?? ''}
              placeholder="closed"
              onChange={(e) => setWeek({ ...week, [day]: e.target.value })}
            />
          </Field>
        ))}
        <Problems
          messages={[
            ...unplaced.map((e) => e.message),
            ...weekly
              .general(['startTime', 'endTime', 'weekday'])
              .filter((m) => !weekly.errors.some((e) => e.message === m)),
          ]}
        />
        <button type="submit" disabled={weekly.busy}>
          Save the weekly hours
        </button>
      </form>
      <h3>One date</h3>
      <form aria-label="Hours of one date" onSubmit={(e) => void saveOverride(e)}>
        <Field label="Date" error={errorFor(dated.errors, 'date')}>
          <input
            type="date"
            value={override.date}
            onChange={(e) => setOverride({ ...override, date: e.target.value })}
            required
          />
        </Field>
        <Field label="Hours (empty: closed)" error={errorFor(dated.errors, 'windows')}>
          <input
            value={override.windows}
            placeholder="closed"
            onChange={(e) => setOverride({ ...override, windows: e.target.value })}
          />
        </Field>
        <Problems messages={dated.general(['date', 'windows'])} />
        <button type="submit" disabled={dated.busy}>
          Save the date
        </button>
      </form>
      <ul className="rows" aria-label="Dates with their own hours">
        {resource?.dateOverrides.map((o) => (
          <li key={o.date}>
            {o.date}: {o.windows.length ? written(o.windows) : 'closed'}{' '}
            <button type="button" onClick={() => void clear(o.date)}>
              Back to weekly
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
