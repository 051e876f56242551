import { AnswerCache } from './answers.js';
import type { ChangeFeed } from './change-feed.js';
import { SessionCache } from './sessions.js';
import { TenantCache } from './tenants.js';

/** Every read cache of the process, bounded, fed by the change feed, off while it is not live. */
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
