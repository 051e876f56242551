import type { EntityManager } from '@mikro-orm/postgresql';
import { Notification, type NotificationPayload } from './notification.entity.js';
import type { NotificationStatus } from './notification-status.js';

// Every write to the notification table, on `em` (the caller's transaction when there is one).

interface NewNotification {
  id: string;
  kind: string;
  recipient: string;
  payload: NotificationPayload;
}

/** The rows of one booking event, in one statement. */
export async function insertNotifications(
  tx: EntityManager,
  tenantId: string,
  bookingId: string,
  status: NotificationStatus,
  rows: readonly NewNotification[],
): Promise<void> {
  const now = new Date();
  await tx
    .createQueryBuilder(Notification)
    .insert(
      rows.map((row) => ({
        ...row,
        createdAt: now,
        updatedAt: now,
        tenant: tenantId,
        booking: bookingId,
        status,
        attempts: 0,
      })),
    )
    .execute('run');
}

/** Changes a notification (only while its status is `onlyFrom`); the number of rows changed. */
export function updateNotification(
  em: EntityManager,
  id: string,
  changes: Partial<Pick<Notification, 'status' | 'attempts' | 'lastError' | 'sentAt' | 'payload'>>,
  onlyFrom?: NotificationStatus,
): Promise<number> {
  return em.nativeUpdate(Notification, onlyFrom ? { id, status: onlyFrom } : { id }, {
    ...changes,
    updatedAt: new Date(),
  });
}
