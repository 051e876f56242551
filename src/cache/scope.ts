/**
 * What one request learns about whether its answer may be kept. Created with the request's
 * context, before the request reads anything, so that `stamp` predates every read.
 */
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

  /**
   * A mutation's root field writes, of the tables the change feed watches, only `tables`:
   * when every root field of the mutation says so, this process makes only those stale at
   * once (the tenant and session caches survive a booking). Otherwise all of the tenant's
   * data is.
   */
  writes(tables: readonly string[]): void {
    this.narrowed++;
    for (const table of tables) this.written.add(table);
  }

  /**
   * A root field's answer depends only on the tenant's data (as the change feed covers it),
   * the arguments and the caller: it may be kept.
   */
  keep(): void {
    this.keepable++;
  }

  /**
   * The answer depends on time too: it holds from `computedAt` (the "now" it was computed
   * for) up to `until`. Only narrows what `keep` allowed.
   */
  holds(from: number, until: number): void {
    this.from = Math.max(this.from, from);
    this.until = Math.min(this.until, until);
  }
}
