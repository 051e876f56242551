// Wall-clock values as numbers: minutes since midnight (0..1440) and ISO weekdays.

export interface MinuteWindow {
  /** Minutes since local midnight, inclusive. */
  start: number;
  /** Minutes since local midnight, exclusive; 1440 = 24:00. */
  end: number;
}

export interface WeekdayWindow extends MinuteWindow {
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  weekday: number;
}

export const MINUTES_PER_DAY = 1440;

const HH_MM = /^(\d{2}):(\d{2})$/;

/** "09:30" -> 570; "24:00" -> 1440. Null when not a valid HH:mm (00:00 to 24:00). */
export function parseLocalTime(value: string): number | null {
  const m = HH_MM.exec(value);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || minutes > MINUTES_PER_DAY) return null;
  return minutes;
}

/** 570 -> "09:30"; 1440 -> "24:00". */
export function formatLocalTime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** Sorts windows and merges those that overlap or touch ([9:00,12:00) + [12:00,13:00)). */
export function mergeWindows<T extends MinuteWindow>(windows: readonly T[]): MinuteWindow[] {
  const sorted = [...windows].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: MinuteWindow[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else out.push({ start: w.start, end: w.end });
  }
  return out;
}

/** Merges each weekday's windows; the result is sorted by weekday, then start. */
export function mergeWeekdayWindows(windows: readonly WeekdayWindow[]): WeekdayWindow[] {
  const out: WeekdayWindow[] = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (const w of mergeWindows(windows.filter((x) => x.weekday === weekday))) {
      out.push({ weekday, ...w });
    }
  }
  return out;
}
