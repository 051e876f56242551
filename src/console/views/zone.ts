import { Temporal } from 'temporal-polyfill';

// Calendar arithmetic in the business's zone (not the browser's): dates are ISO strings.

export const todayIn = (zone: string): string => Temporal.Now.plainDateISO(zone).toString();

export const addDays = (date: string, days: number): string =>
  Temporal.PlainDate.from(date).add({ days }).toString();

/** The Monday of the week of `date`. */
export const mondayOf = (date: string): string => {
  const d = Temporal.PlainDate.from(date);
  return d.subtract({ days: d.dayOfWeek - 1 }).toString();
};

/** The instant of `minutes` after midnight of `date` in `zone` (DST gaps move forward). */
export function instantAt(date: string, minutes: number, zone: string): number {
  const start = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone });
  return start.add({ minutes }).epochMilliseconds;
}

/** The local date and minutes after local midnight of an instant in `zone`. */
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

export const weekdayOf = (date: string) =>
  WEEKDAYS[Temporal.PlainDate.from(date).dayOfWeek - 1] ?? 'MONDAY';

/** "09:30" -> 570. */
export const minutesOf = (time: string): number => {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export const hhmm = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

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
