/** What one request learns about whether its answer may be kept; `stamp` predates every read. */
export class CacheScope {
  /** The change feed's counter when the request began (see ChangeFeed). */
  readonly stamp: number;
  /** Root fields that declared their answer may be kept (`@KeepAnswer`). */
  keepable = 0;
  /** First and last instants (epoch ms, inclusive) the answer is right for, the data unchanged. */
  from = Number.NEGATIVE_INFINITY;
  until = Number.POSITIVE_INFINITY;

  /** Root fields of a mutation that declared the tables they write (`@Writes`). */
  narrowed = 0;
  /** The tables they named. */
  readonly written = new Set<string>();

  constructor(stamp: number) {
    this.stamp = stamp;
  }

  /** The mutation's root field writes only `tables`; when all of them say so, only those go stale. */
  writes(tables: readonly string[]): void {
    this.narrowed++;
    for (const table of tables) this.written.add(table);
  }

  /** The root field's answer depends only on the tenant's data, the arguments and the caller. */
  keep(): void {
    this.keepable++;
  }

  /** The answer holds from `from` (the "now" it was computed for) up to `until`. */
  holds(from: number, until: number): void {
    this.from = Math.max(this.from, from);
    this.until = Math.min(this.until, until);
  }
}
