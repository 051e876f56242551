import { Temporal } from 'temporal-polyfill';

/** The IANA zone id as the database spells it ("asia/kolkata" -> "Asia/Kolkata"), or null. */
export function normalizeTimeZone(input: string): string | null {
  if (input.length === 0 || input.length > 64 || !/^[A-Za-z]/.test(input)) return null;
  try {
    return new Temporal.ZonedDateTime(0n, input).timeZoneId;
  } catch {
    return null;
  }
}
