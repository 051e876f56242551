import { type FormEvent, useState } from 'react';
import { authHeaders } from '../api.js';
import { CheckList } from './choices.js';
import { useConsole } from './context.js';
import { Field } from './dialog.js';
import { addDays, localInstant, todayIn } from './zone.js';

// The CSV download with the listing's filters, saved as a file (GET /exports/bookings.csv).

const STATUSES = ['PENDING', 'CONFIRMED', 'CANCELLED', 'COMPLETED', 'NO_SHOW'];

export function Export() {
  const { credential, me } = useConsole();
  const zone = me.tenant?.timeZone ?? 'UTC';
  const [from, setFrom] = useState(() => todayIn(zone));
  const [to, setTo] = useState(() => addDays(todayIn(zone), 30));
  const [statuses, setStatuses] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const [problem, setProblem] = useState<{ field: string | null; message: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function download(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setSaved(null);
    const query = new URLSearchParams({
      from: new Date(localInstant(from, 0, zone)).toISOString(),
      // Inclusive of the last day: up to the next day's start.
      to: new Date(localInstant(addDays(to, 1), 0, zone)).toISOString(),
    });
    if (statuses.length) query.set('status', statuses.join(','));
    if (search.trim()) query.set('search', search.trim());
    const response = await fetch(`/exports/bookings.csv?${query}`, {
      headers: authHeaders(credential),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as {
        errors?: Array<{ message: string; extensions?: { field?: string[] } }>;
      } | null;
      const error = body?.errors?.[0];
      setProblem({
        field: error?.extensions?.field?.[0] ?? null,
        message: error?.message ?? `The download failed (${response.status})`,
      });
      return;
    }
    const name =
      /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
      'bookings.csv';
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setSaved(name);
  }

  const errorOf = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <section className="export" aria-label="Export bookings">
      <h2>Export bookings (CSV)</h2>
      <form aria-label="Export bookings" onSubmit={(e) => void download(e)}>
        <Field label={`From (${zone})`} error={errorOf('from')}>
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </Field>
        <Field label="To (inclusive)" error={errorOf('to')}>
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
        </Field>
        <CheckList
          legend="Statuses (none: all)"
          options={STATUSES.map((st) => ({ value: st, label: st }))}
          value={statuses}
          onChange={setStatuses}
          error={errorOf('status')}
        />
        <Field label="Search (reference, name, email)" error={errorOf('search')}>
          <input value={search} onChange={(e) => setSearch(e.target.value)} />
        </Field>
        {problem && !problem.field ? (
          <p className="error" role="alert">
            {problem.message}
          </p>
        ) : null}
        <button type="submit">Download CSV</button>
        {saved ? <p role="status">Saved {saved}</p> : null}
      </form>
    </section>
  );
}
