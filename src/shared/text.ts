/**
 * The one rule every string from outside must meet before anything reads it: text that
 * PostgreSQL can store and that is Unicode. A NUL (U+0000) is refused by PostgreSQL's text
 * types; a lone surrogate (half of a UTF-16 pair, e.g. "\udc00" in JSON) is not a character
 * and would be stored as U+FFFD, silently changing what was sent.
 *
 * Null when `value` is fine; else the rule it breaks, phrased to follow the field's name.
 */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!value.isWellFormed()) {
    return 'must be valid Unicode text: it contains a lone surrogate (half of a UTF-16 pair)';
  }
  return null;
}
