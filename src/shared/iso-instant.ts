const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from here on toISOString switches to six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let cachedDay = Number.NaN;
let cachedDayPrefix = '';

/**
 * The instant as `Date#toISOString` writes it (YYYY-MM-DDTHH:mm:ss.sssZ), about ten times
 * faster: the date part is formatted once per day and reused, the time of day is arithmetic.
 * Every DateTime the API answers goes through here; a month of slots is 448 of them, and
 * toISOString alone took 0.18 ms of such a request (docs/PERFORMANCE.md). Instants before
 * 1970 or from the year 10000 on are left to toISOString.
 */
export function isoInstant(epochMs: number): string {
  if (!(epochMs >= 0 && epochMs < YEAR_10000_MS) || !Number.isInteger(epochMs)) {
    return new Date(epochMs).toISOString();
  }
  const day = Math.floor(epochMs / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rest = epochMs - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${cachedDayPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis]}Z`;
}
