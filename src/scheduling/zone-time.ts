import { Temporal } from 'temporal-polyfill';
import { memo } from '../cache/memo.js';

// Local dates are ISO strings; day arithmetic in UTC, and the zone's answers remembered.

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date. */
function dayNumber(date: string): number {
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
  d.setUTCFullYear(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)) - 1,
    Number(date.slice(8, 10)),
  );
  return d.getTime() / DAY_MS;
}

function isoDateOfDay(day: number): string {
  // toISOString pads the year to four digits for 0000-9999.
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Whether `date` is a real day as YYYY-MM-DD, in years 1 to 9999. */
export function isRealDate(date: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(date) && date >= '0001' && isoDateOfDay(dayNumber(date)) === date
  );
}

/** `date` plus `days` (negative: minus), in the ISO calendar. */
export function addDays(date: string, days: number): string {
  return isoDateOfDay(dayNumber(date) + days);
}

/** The number of local dates from..to, both included (1 for a single date). */
export function daysInRange(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from) + 1;
}

/** ISO weekday of a date: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: string): number {
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

const localInstantMemo = memo((key: string) => {
  const [timeZone, date, minute] = key.split('|') as [string, string, string];
  const m = Number(minute);
  return Temporal.PlainDate.from(date)
    .toPlainDateTime({ hour: Math.floor(m / 60), minute: m % 60 })
    .toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
});

/** The instant of wall time `minute` (0..1440) on `date`, disambiguated as "compatible". */
export function localInstant(date: string, minute: number, timeZone: string): number {
  if (minute === 1440) return localInstantMemo(`${timeZone}|${addDays(date, 1)}|0`);
  return localInstantMemo(`${timeZone}|${date}|${minute}`);
}

const startOfDayMemo = memo((key: string) => {
  const [timeZone, date] = key.split('|') as [string, string];
  return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds;
});

/** The first instant (epoch ms) of local date `date` in `timeZone`. */
export function startOfLocalDay(date: string, timeZone: string): number {
  return startOfDayMemo(`${timeZone}|${date}`);
}

/** The local date at `instant` (epoch ms): the UTC date or one either side. */
export function localDateOf(instant: number, timeZone: string): string {
  let date = isoDateOfDay(Math.floor(instant / DAY_MS));
  if (instant < startOfLocalDay(date, timeZone)) return addDays(date, -1);
  for (;;) {
    const next = addDays(date, 1);
    if (instant < startOfLocalDay(next, timeZone)) return date;
    date = next;
  }
}

/** The local dates whose windows can hold a slot at `instant`: its own and the day before. */
export function windowDatesOf(instant: number, timeZone: string): { from: string; to: string } {
  const date = localDateOf(instant, timeZone);
  return { from: addDays(date, -1), to: date };
}
