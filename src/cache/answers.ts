import type { FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { ChangeFeed } from './change-feed.js';
import type { CacheScope } from './scope.js';

/** A kept answer's `data` as JSON text: what the budget counts, and not stringified again. */
export class RenderedData {
  constructor(readonly json: string) {}

  /** Whoever stringifies a result the ordinary way still gets the right JSON. */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** Apollo's `stringifyResult`, writing a kept answer from its text. */
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

/** Whole answers by a caller-built key, while the tenant is unchanged and the time in range. */
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

  /** Keeps `data` unless the tenant changed since the request's `stamp`, or its range is empty. */
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
