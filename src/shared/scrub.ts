/** What must never reach a log: addresses, tokens, credentials, phones, SQL's quoted values. */
const PATTERNS: Array<[RegExp, string]> = [
  [/\b(bks|bka|bkm)_[A-Za-z0-9_-]{8,}/g, '[token]'],
  [/Bearer\s+\S+/gi, 'Bearer [redacted]'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  [/\+\d[\d ().-]{6,}\d/g, '[phone]'],
  [/'(?:[^']|'')*'/g, "'?'"],
  [/=\(([^)]*)\)/g, '=(?)'],
];

export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Scrubs every string in a log record, however deep (bounded, and cycle-safe). */
export function scrubDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1, seen));
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrub(value.message),
      stack: value.stack ? scrub(value.stack) : undefined,
      code: (value as { code?: unknown }).code,
    };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, depth + 1, seen);
  return out;
}
