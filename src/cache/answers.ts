import type { FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { ChangeFeed } from './change-feed.js';
import type { CacheScope } from './scope.js';

/**
 * A kept answer's `data`, already written as JSON: kept as one string, so the cache holds
 * what its byte budget counts, and a hit is written out without being stringified again
 * (`stringifyCachedResult`).
 */
export class RenderedData {
  constructor(readonly json: string) {}

  /** Whoever stringifies a result the ordinary way still gets the right JSON. */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/**
 * Apollo's `stringifyResult`: a kept answer is written from its text; everything else as
 * Apollo writes it (JSON and a newline).
 */
export function stringifyCachedResult(result: FormattedExecutionResult): string {
  if (result.data instanceof RenderedData && !result.errors && !result.extensions) {
    return `{"data":${result.data.json}}\n`;
  }
  return `${JSON.stringify(result)}\n`;
}

interface Entry {
  tenantId: string;
  /** The tenant's version the answer was computed at. */
  version: number;
  from: number;
  until: number;
  data: RenderedData;
}

/**
 * Whole answers of queries, by a key the caller builds (tenant, caller, document, variables),
 * kept while the tenant's data is unchanged (the change feed) and the clock is inside the
 * answer's time range, within `maxBytes` of JSON, the least recently used going first.
 */
export class AnswerCache {
  readonly #feed: ChangeFeed;
  readonly #entries: LRUCache<string, Entry>;

  constructor(feed: ChangeFeed, maxBytes: number) {
    this.#feed = feed;
    this.#entries = new LRUCache({
      maxSize: maxBytes,
      // Characters of the text and the key (a byte each while the text is Latin-1).
      sizeCalculation: (entry, key) => Math.max(1, entry.data.json.length + key.length),
    });
  }

  /** The answer kept under `key`, if its tenant's data is unchanged and it holds at `at`. */
  get(key: string, at: number): RenderedData | undefined {
    const entry = this.#entries.get(key);
    if (!entry || !this.#feed.live) return undefined;
    if (entry.version !== this.#feed.version(entry.tenantId)) return undefined;
    if (at < entry.from || at > entry.until) return undefined;
    return entry.data;
  }

  /**
   * Keeps `data`, computed from `startedAt` on, unless something of the tenant changed since
   * before the request read anything (`scope.stamp`) or its time range is empty.
   */
  set(key: string, tenantId: string, scope: CacheScope, startedAt: number, data: unknown): void {
    const version = this.#feed.version(tenantId);
    const from = Math.max(startedAt, scope.from);
    if (!this.#feed.live || version > scope.stamp || scope.until < from) return;
    this.#entries.set(key, {
      tenantId,
      version,
      from,
      until: scope.until,
      data: new RenderedData(JSON.stringify(data)),
    });
  }
}
