import type { Role } from '../access/role.js';
import type { ChangeFeed } from './change-feed.js';
import { FeedCache } from './feed-cache.js';

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

/**
 * Sessions by the hash of their token, kept while the change feed says their tenant's
 * sessions, users and tenant row are unchanged: a logout, a revocation or a change of role
 * anywhere drops them, a booking does not. Expiry is still checked on every request by the
 * caller, against the clock.
 */
export class SessionCache extends FeedCache<SessionRow> {
  constructor(feed: ChangeFeed) {
    super(feed, (row) => row.tenant_id, ['session', 'app_user', 'tenant']);
  }
}
