import { registerEnumType } from 'type-graphql';

export enum NotificationStatus {
  /** A reminder waiting for its send time (`sendAt`). */
  SCHEDULED = 'SCHEDULED',
  QUEUED = 'QUEUED',
  SENT = 'SENT',
  FAILED = 'FAILED',
  /** Email was switched off (globally or for the tenant) when the event happened. */
  SKIPPED = 'SKIPPED',
}
registerEnumType(NotificationStatus, { name: 'NotificationStatus' });
