import { AnswerCache } from './answers.js';
import type { ChangeFeed } from './change-feed.js';
import { SessionCache } from './sessions.js';
import { TenantCache } from './tenants.js';

/**
 * Every read cache of the process, bounded, and fed by the one change feed: tenants by slug
 * or subdomain (requests, CORS), login sessions by token hash, and whole answers of queries
 * that declared they may be kept (`@KeepAnswer`). Nothing is served from them while the
 * feed is not live.
 */
export class Caches {
  readonly tenants: TenantCache;
  readonly sessions: SessionCache;
  /** Null when RESPONSE_CACHE_MB is 0. */
  readonly answers: AnswerCache | null;

  constructor(
    readonly feed: ChangeFeed,
    options: { answerBytes: number },
  ) {
    this.tenants = new TenantCache(feed);
    this.sessions = new SessionCache(feed);
    this.answers = options.answerBytes > 0 ? new AnswerCache(feed, options.answerBytes) : null;
  }
}
