import { Temporal } from 'temporal-polyfill';
import { formatLocalTime, parseLocalTime } from '../../scheduling/local-time.js';
import { addDays, isoWeekday, localDateOf } from '../../scheduling/zone-time.js';

// Calendar arithmetic in the business's zone (not the browser's): dates are ISO strings. The
// day arithmetic and wall-time instants are the server's own (scheduling/zone-time.ts).

export { addDays, localInstant } from '../../scheduling/zone-time.js';

export const todayIn = (zone: string): string => localDateOf(Date.now(), zone);

/** The Monday of the week of `date`. */
export const mondayOf = (date: string): string => addDays(date, 1 - isoWeekday(date));

/** The local date and minutes after local midnight (wall time) of an instant in `zone`. */
export function localOf(at: number, zone: string): { date: string; minutes: number } {
  const z = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone);
  return { date: z.toPlainDate().toString(), minutes: z.hour * 60 + z.minute };
}

export const WEEKDAYS = [
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
] as const;

export const weekdayOf = (date: string) => WEEKDAYS[isoWeekday(date) - 1] ?? 'MONDAY';

/** "09:30" -> 570 (the API's times are always HH:mm). */
export const minutesOf = (time: string): number => parseLocalTime(time) ?? 0;

export const hhmm = formatLocalTime;

/** "Mon 7 Dec" for a column heading. */
export const dayLabel = (date: string): string =>
  Temporal.PlainDate.from(date).toLocaleString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });

/** "10:00–11:00" of an instant span in `zone`. */
export function timeRange(start: number, end: number, zone: string): string {
  return `${hhmm(localOf(start, zone).minutes)}–${hhmm(localOf(end, zone).minutes)}`;
}
