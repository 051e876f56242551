/**
 * IANA time-zone ids. Validation uses the zone database compiled into Node (ICU), the same
 * one the time-zone library reads, so a zone accepted here can always be converted.
 */

const canonicalCase = new Map<string, string>();
for (const zone of Intl.supportedValuesOf('timeZone')) {
  canonicalCase.set(zone.toLowerCase(), zone);
}

/**
 * Returns the zone id spelled as the database spells it, or null when `input` is not an IANA
 * zone. Offsets ("+01:00") and abbreviations ("CET" is accepted only because it is also an
 * IANA id) are refused; legacy aliases such as "Asia/Calcutta" are accepted as they are.
 */
export function normalizeTimeZone(input: string): string | null {
  if (input.length === 0 || input.length > 64) return null;
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(input)) return null;
  const known = canonicalCase.get(input.toLowerCase());
  if (known) return known;
  if (input.toUpperCase() === 'UTC') return 'UTC';
  try {
    // Aliases missing from supportedValuesOf (e.g. "Asia/Calcutta", "US/Eastern").
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: input }).resolvedOptions()
      .timeZone;
    return resolved.includes('/') || resolved === 'UTC' ? input : null;
  } catch {
    return null;
  }
}
