import type { EntityManager } from '@mikro-orm/postgresql';
import { db, write } from '../db/sql.js';
import { Notification, type NotificationPayload } from './notification.entity.js';
import type { NotificationStatus } from './notification-status.js';

// Every write to the notification table, on `em` (the caller's transaction when there is one).

interface NewNotification {
  id: string;
  kind: string;
  recipient: string;
  payload: NotificationPayload;
}

/** The rows of one event (of a booking, or of an account when `bookingId` is null), in one statement. */
export async function insertNotifications(
  tx: EntityManager,
  tenantId: string,
  bookingId: string | null,
  status: NotificationStatus,
  rows: readonly NewNotification[],
): Promise<void> {
  const now = new Date();
  await write(
    tx,
    db.insertInto('notification').values(
      rows.map((row) => ({
        ...row,
        created_at: now,
        updated_at: now,
        tenant_id: tenantId,
        booking_id: bookingId,
        status,
        attempts: 0,
      })),
    ),
  );
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
