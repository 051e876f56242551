import type { ChangeFeed } from '../db/change-feed.js';
import type { Role } from './role.js';

/** A login session with its user, as `authenticate` reads it. */
export interface SessionRow {
  id: string;
  tenant_id: string;
  expires_ms: number;
  revoked: boolean;
  user_id: string;
  role: Role;
  email: string;
}

interface Entry {
  version: number;
  row: SessionRow;
}

/** Past this many sessions the cache starts again. */
const MAX_ENTRIES = 10_000;

/**
 * Sessions by the hash of their token, kept while the change feed says their tenant is
 * unchanged: the feed covers the session and user tables, so a logout, a revocation or a
 * change of role anywhere drops them. Expiry is still checked on every request by the
 * caller, against the clock. Only sessions found are kept: an unknown token is looked up
 * every time.
 */
export class SessionCache {
  readonly #feed: ChangeFeed;
  readonly #entries = new Map<string, Entry>();

  constructor(feed: ChangeFeed) {
    this.#feed = feed;
  }

  get(tokenHash: string): SessionRow | undefined {
    const entry = this.#entries.get(tokenHash);
    if (!entry || !this.#feed.live || entry.version !== this.#feed.version(entry.row.tenant_id)) {
      return undefined;
    }
    return entry.row;
  }

  /** Keeps `row`, read after `stamp` (ChangeFeed.stamp), unless its tenant changed since. */
  set(tokenHash: string, row: SessionRow, stamp: number): void {
    const version = this.#feed.version(row.tenant_id);
    if (!this.#feed.live || version > stamp) return;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(tokenHash, { version, row });
  }
}
