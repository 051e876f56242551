import type { SessionRow } from '../access/access.store.js';
import type { ChangeFeed } from './change-feed.js';
import { FeedCache } from './feed-cache.js';

/**
 * Sessions by the hash of their token, kept while the change feed says their tenant's
 * sessions, users and tenant row are unchanged: a logout, a revocation or a change of role
 * anywhere drops them, a booking does not. Expiry is still checked on every request by the
 * caller, against the clock.
 */
export class SessionCache extends FeedCache<SessionRow> {
  constructor(feed: ChangeFeed) {
    super(feed, (row) => row.tenant, ['session', 'app_user', 'tenant']);
  }
}
