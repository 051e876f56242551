import type { SessionRow } from '../access/access.store.js';
import type { ChangeFeed } from './change-feed.js';
import { FeedCache } from './feed-cache.js';

/** Sessions by token hash, dropped on any change to the tenant's sessions, users, users' resources or tenant row. */
export class SessionCache extends FeedCache<SessionRow> {
  constructor(feed: ChangeFeed) {
    super(feed, (row) => row.tenant, ['session', 'app_user', 'user_resource', 'tenant']);
  }
}
