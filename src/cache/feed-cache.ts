import { LRUCache } from 'lru-cache';
import type { ChangeFeed } from './change-feed.js';

/** Values found, kept while their tenant's rows in `tables` are unchanged since `stamp`; LRU. */
export class FeedCache<T> {
  readonly #feed: ChangeFeed;
  readonly #tenantOf: (value: T) => string;
  readonly #tables: readonly string[];
  readonly #entries: LRUCache<string, { version: number; value: T }>;

  /** `tables`: the tables the values are read from; changes elsewhere leave them valid. */
  constructor(
    feed: ChangeFeed,
    tenantOf: (value: T) => string,
    tables: readonly string[],
    maxEntries = 10_000,
  ) {
    this.#feed = feed;
    this.#tenantOf = tenantOf;
    this.#tables = tables;
    this.#entries = new LRUCache({ max: maxEntries });
  }

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry || !this.#feed.live) return undefined;
    if (entry.version !== this.#version(entry.value)) return undefined;
    return entry.value;
  }

  #version(value: T): number {
    return this.#feed.version(this.#tenantOf(value), this.#tables);
  }

  /** Keeps `value`, read after `stamp` (ChangeFeed.stamp), unless its tables changed since. */
  set(key: string, value: T, stamp: number): void {
    const version = this.#version(value);
    if (!this.#feed.live || version > stamp) return;
    this.#entries.set(key, { version, value });
  }
}
