/** Null when `value` holds no NUL (refused by PostgreSQL) nor lone surrogate; else the rule. */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!value.isWellFormed()) {
    return 'must be valid Unicode text: it contains a lone surrogate (half of a UTF-16 pair)';
  }
  return null;
}
