import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { request } from '../api.js';
import { BookingDetail } from './booking-detail.js';
import { useConsole } from './context.js';
import { useBookingEvents } from './live.js';
import { WalkIn } from './walk-in.js';
import {
  addDays,
  dayLabel,
  hhmm,
  localInstant,
  localOf,
  minutesOf,
  mondayOf,
  timeRange,
  todayIn,
  weekdayOf,
} from './zone.js';

// The agenda: a day or a week in the business's zone, a column per resource (STAFF: their
// own), bookings by status, blackouts and closed hours shaded, the time now marked.

interface Window {
  startTime: string;
  endTime: string;
}
interface AgendaResource {
  id: string;
  name: string;
  weeklyWindows: Array<Window & { weekday: string }>;
  dateOverrides: Array<{ date: string; windows: Window[] }>;
}
interface AgendaBooking {
  id: string;
  reference: string;
  status: string;
  startsAt: string;
  endsAt: string;
  customerName: string;
  service: { name: string };
  resources: Array<{ id: string }>;
}
interface Blackout {
  id: string;
  startsAt: string;
  endsAt: string;
  reason: string | null;
  resource: { id: string } | null;
}
interface AgendaData {
  resources: AgendaResource[];
  bookings: AgendaBooking[];
  blackouts: Blackout[];
}

const RESOURCES = `query AgendaResources($from: DateTime!, $to: DateTime!, $fromDate: LocalDate!, $toDate: LocalDate!) {
  resources {
    id name active
    weeklyWindows { weekday startTime endTime }
    dateOverrides(from: $fromDate, to: $toDate) { date windows { startTime endTime } }
  }
  blackouts(from: $from, to: $to) { id startsAt endsAt reason resource { id } }
}`;

/** One page of the range's bookings (pages keep each request within the query cost limit). */
const BOOKINGS = `query AgendaBookings($from: DateTime!, $to: DateTime!, $after: String) {
  bookings(filter: { from: $from, to: $to }, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id reference status startsAt endsAt customerName service { name } resources { id } } }
  }
}`;

interface BookingPage {
  bookings: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ node: AgendaBooking }>;
  };
}

/** Everything the agenda shows of a range of dates. */
async function loadAgenda(
  credential: Parameters<typeof request>[0],
  range: { from: string; to: string; fromDate: string; toDate: string },
): Promise<AgendaData> {
  const base = await request<{
    resources: Array<AgendaResource & { active: boolean }>;
    blackouts: Blackout[];
  }>(credential, RESOURCES, range);
  const bookings: AgendaBooking[] = [];
  let after: string | null = null;
  for (;;) {
    const page: BookingPage = await request<BookingPage>(credential, BOOKINGS, {
      from: range.from,
      to: range.to,
      after,
    });
    bookings.push(...page.bookings.edges.map((e) => e.node));
    if (!page.bookings.pageInfo.hasNextPage) break;
    after = page.bookings.pageInfo.endCursor;
  }
  return {
    resources: base.resources.filter((r) => r.active),
    bookings,
    blackouts: base.blackouts,
  };
}

/** Pixels per minute of the grid. */
const SCALE = 1;
const STEP = 30;

/** ArrowUp/ArrowDown (Home/End) move focus between a column's empty cells. */
function moveInColumn(event: KeyboardEvent<HTMLButtonElement>) {
  const cells = [
    ...(event.currentTarget.parentElement?.querySelectorAll<HTMLButtonElement>('.cell') ?? []),
  ];
  const at = cells.indexOf(event.currentTarget);
  const to =
    event.key === 'ArrowDown'
      ? at + 1
      : event.key === 'ArrowUp'
        ? at - 1
        : event.key === 'Home'
          ? 0
          : event.key === 'End'
            ? cells.length - 1
            : null;
  if (to === null) return;
  event.preventDefault();
  cells[Math.max(0, Math.min(cells.length - 1, to))]?.focus();
}

/** The windows a resource is open on a date: the date's override, else its weekday's. */
function openOn(resource: AgendaResource, date: string): Array<[number, number]> {
  const override = resource.dateOverrides.find((o) => o.date === date);
  const windows = override
    ? override.windows
    : resource.weeklyWindows.filter((w) => w.weekday === weekdayOf(date));
  return windows.map((w) => [minutesOf(w.startTime), minutesOf(w.endTime)]);
}

/** The gaps of [from, to) that none of `open` covers: the closed hours to shade. */
function closedSpans(open: Array<[number, number]>, from: number, to: number) {
  const out: Array<[number, number]> = [];
  let at = from;
  for (const [s, e] of [...open].sort((a, b) => a[0] - b[0])) {
    if (s > at) out.push([at, Math.min(s, to)]);
    at = Math.max(at, e);
  }
  if (at < to) out.push([at, to]);
  return out.filter(([s, e]) => e > s);
}

export function Agenda() {
  const { credential, me } = useConsole();
  const zone = me.tenant?.timeZone ?? 'UTC';
  const [view, setView] = useState<'day' | 'week'>('week');
  const [anchor, setAnchor] = useState(() => todayIn(zone));
  const [data, setData] = useState<AgendaData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [walkIn, setWalkIn] = useState<{ resourceId: string; startsAt: number } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [version, setVersion] = useState(0);

  const dates = useMemo(
    () =>
      view === 'day' ? [anchor] : Array.from({ length: 7 }, (_, i) => addDays(mondayOf(anchor), i)),
    [view, anchor],
  );
  const first = dates[0] ?? anchor;
  const last = dates.at(-1) ?? anchor;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal.
  useEffect(() => {
    let current = true;
    const from = new Date(localInstant(first, 0, zone)).toISOString();
    const to = new Date(localInstant(addDays(last, 1), 0, zone)).toISOString();
    loadAgenda(credential, { from, to, fromDate: first, toDate: last })
      .then((loaded) => {
        if (!current) return;
        setData(loaded);
        setError(null);
      })
      .catch((err: Error) => current && setError(err.message));
    return () => {
      current = false;
    };
    // `version` reloads after a change here or an event from elsewhere.
  }, [credential, first, last, zone, version]);

  // Live: every booking event (from this console or anywhere) reloads, a burst at most twice.
  const pending = useRef<number | null>(null);
  const reload = useCallback(() => {
    if (pending.current !== null) return;
    pending.current = window.setTimeout(() => {
      pending.current = null;
      setVersion((v) => v + 1);
    }, 300);
  }, []);
  useBookingEvents(credential, reload);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);

  const nowLocal = localOf(now, zone);
  // The hours shown: the earliest opening to the latest closing of the days shown, and the
  // time now when today is one of them.
  const [fromMinute, toMinute] = useMemo(() => {
    const spans = (data?.resources ?? []).flatMap((r) => dates.flatMap((d) => openOn(r, d)));
    const here = dates.includes(nowLocal.date) ? [nowLocal.minutes] : [];
    const lo = Math.min(8 * 60, ...spans.map((s) => s[0]), ...here);
    const hi = Math.max(18 * 60, ...spans.map((s) => s[1]), ...here.map((m) => m + 1));
    return [Math.floor(lo / 60) * 60, Math.min(24 * 60, Math.ceil(hi / 60) * 60)];
  }, [data, dates, nowLocal.date, nowLocal.minutes]);
  const height = (toMinute - fromMinute) * SCALE;
  const today = todayIn(zone);

  const move = (days: number) => setAnchor(addDays(anchor, view === 'day' ? days : 7 * days));
  const resources = data?.resources ?? [];
  const top = (minutes: number) => (minutes - fromMinute) * SCALE;

  return (
    <section className="agenda" aria-label="Agenda">
      <div className="agenda-bar">
        <fieldset className="view-toggle">
          <legend className="visually-hidden">View</legend>
          {(['day', 'week'] as const).map((v) => (
            <button key={v} type="button" aria-pressed={view === v} onClick={() => setView(v)}>
              {v === 'day' ? 'Day' : 'Week'}
            </button>
          ))}
        </fieldset>
        <button type="button" onClick={() => move(-1)} aria-label="Previous">
          ‹
        </button>
        <button type="button" onClick={() => setAnchor(todayIn(zone))}>
          Today
        </button>
        <button type="button" onClick={() => move(1)} aria-label="Next">
          ›
        </button>
        <h2>
          {dayLabel(first)}
          {first === last ? '' : ` – ${dayLabel(last)}`}
        </h2>
        <span className="zone">Times in {zone}</span>
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {data && resources.length === 0 ? <p>No resources to show.</p> : null}
      <div className="agenda-grid">
        <div className="agenda-times" aria-hidden="true" style={{ height }}>
          {Array.from(
            { length: (toMinute - fromMinute) / 60 + 1 },
            (_, i) => fromMinute + i * 60,
          ).map((minute) => (
            <span key={minute} style={{ top: top(minute) }}>
              {hhmm(minute)}
            </span>
          ))}
        </div>
        {dates.map((date) => (
          <section key={date} className="agenda-day" aria-label={dayLabel(date)}>
            <h3 className={date === today ? 'today' : undefined}>{dayLabel(date)}</h3>
            <div className="agenda-columns">
              {resources.map((resource) => {
                const dayStart = localInstant(date, 0, zone);
                const dayEnd = localInstant(addDays(date, 1), 0, zone);
                const minuteOf = (at: number) =>
                  at <= dayStart ? 0 : at >= dayEnd ? 24 * 60 : localOf(at, zone).minutes;
                const booked = (data?.bookings ?? []).filter(
                  (b) =>
                    b.resources.some((r) => r.id === resource.id) &&
                    Date.parse(b.startsAt) < dayEnd &&
                    Date.parse(b.endsAt) > dayStart,
                );
                const blocked = (data?.blackouts ?? []).filter(
                  (b) =>
                    (b.resource === null || b.resource.id === resource.id) &&
                    Date.parse(b.startsAt) < dayEnd &&
                    Date.parse(b.endsAt) > dayStart,
                );
                return (
                  <section
                    key={resource.id}
                    className="agenda-column"
                    aria-label={`${resource.name}, ${dayLabel(date)}`}
                  >
                    <div className="resource-name">{resource.name}</div>
                    <div className="agenda-cells" style={{ height }}>
                      {closedSpans(openOn(resource, date), fromMinute, toMinute).map(([s, e]) => (
                        <div
                          key={`closed-${s}`}
                          className="closed"
                          style={{ top: top(s), height: (e - s) * SCALE }}
                          title="Closed"
                        />
                      ))}
                      {Array.from({ length: (toMinute - fromMinute) / STEP }, (_, i) => {
                        const minute = fromMinute + i * STEP;
                        return (
                          <button
                            key={minute}
                            type="button"
                            className="cell"
                            // One Tab stop per column (its first cell); arrows move within it.
                            tabIndex={i === 0 ? 0 : -1}
                            onKeyDown={moveInColumn}
                            style={{ top: top(minute), height: STEP * SCALE }}
                            aria-label={`Walk-in with ${resource.name} at ${hhmm(minute)}, ${dayLabel(date)}`}
                            onClick={() =>
                              setWalkIn({
                                resourceId: resource.id,
                                startsAt: localInstant(date, minute, zone),
                              })
                            }
                          />
                        );
                      })}
                      {blocked.map((b) => {
                        const s = Math.max(minuteOf(Date.parse(b.startsAt)), fromMinute);
                        const e = Math.min(minuteOf(Date.parse(b.endsAt)), toMinute);
                        return e > s ? (
                          <div
                            key={b.id}
                            className="blackout"
                            style={{ top: top(s), height: (e - s) * SCALE }}
                          >
                            {b.reason ?? 'Blackout'}
                          </div>
                        ) : null;
                      })}
                      {booked.map((b) => {
                        const start = Date.parse(b.startsAt);
                        const end = Date.parse(b.endsAt);
                        const s = Math.max(minuteOf(start), fromMinute);
                        const e = Math.min(minuteOf(end), toMinute);
                        return (
                          <button
                            key={b.id}
                            type="button"
                            className={`booking status-${b.status.toLowerCase()}`}
                            style={{ top: top(s), height: Math.max(e - s, 15) * SCALE }}
                            onClick={() => setSelected(b.id)}
                          >
                            <strong>{timeRange(start, end, zone)}</strong> {b.customerName}
                            <span>
                              {b.service.name} · {b.status.toLowerCase().replace('_', '-')}
                            </span>
                          </button>
                        );
                      })}
                      {date === nowLocal.date &&
                      nowLocal.minutes >= fromMinute &&
                      nowLocal.minutes <= toMinute ? (
                        <div
                          className="now"
                          style={{ top: top(nowLocal.minutes) }}
                          role="img"
                          aria-label={`Now, ${hhmm(nowLocal.minutes)}`}
                        />
                      ) : null}
                    </div>
                  </section>
                );
              })}
            </div>
          </section>
        ))}
      </div>
      {selected ? (
        <BookingDetail
          id={selected}
          onClose={() => setSelected(null)}
          onChanged={() => setVersion((v) => v + 1)}
        />
      ) : null}
      {walkIn ? (
        <WalkIn
          {...walkIn}
          resourceName={resources.find((r) => r.id === walkIn.resourceId)?.name ?? ''}
          onClose={() => setWalkIn(null)}
          onBooked={(id) => {
            setWalkIn(null);
            setVersion((v) => v + 1);
            setSelected(id);
          }}
        />
      ) : null}
    </section>
  );
}
