import { Temporal } from 'temporal-polyfill';

/**
 * Returns the IANA zone id as the time-zone database spells it ("asia/kolkata" becomes
 * "Asia/Kolkata"), or null when `input` is not an IANA zone. Temporal normalises the case
 * without replacing the id by another alias. Offsets such as "+01:00" are not zones (they
 * have no daylight-saving rules) and are refused.
 */
export function normalizeTimeZone(input: string): string | null {
  if (input.length === 0 || input.length > 64 || !/^[A-Za-z]/.test(input)) return null;
  try {
    return new Temporal.ZonedDateTime(0n, input).timeZoneId;
  } catch {
    return null;
  }
}
