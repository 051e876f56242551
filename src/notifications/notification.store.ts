import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { anyOf, db, idList, rows, tenantOf, write } from '../db/sql.js';
import { Notification, type NotificationPayload } from './notification.entity.js';
import { NotificationStatus } from './notification-status.js';

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

/** Which bookings' reminders to plan (of the confirmed ones): some, or all still to start. */
export type ReminderSelection = { bookingIds: readonly string[] } | { startingAfter: Date };

/**
 * Plans the reminders of the selected bookings from the tenant's active rules, in one
 * statement: per rule and recipient (the customer, the business's address, each active user
 * of the booking's resource) a notification SCHEDULED at the start minus the rule's offset,
 * or SKIPPED when that time had already passed (never sent late) or email is off.
 */
export async function planReminders(
  tx: EntityManager,
  selection: ReminderSelection,
  now: Date,
  emailOn: boolean,
): Promise<number> {
  const tenantId = tenantOf(tx);
  const which =
    'bookingIds' in selection
      ? sql`b.id = any(cast(${idList(selection.bookingIds)} as uuid[]))`
      : sql`b.starts_at > ${selection.startingAfter}`;
  const sendAt = sql`b.starts_at - make_interval(mins => r.offset_minutes)`;
  const iso = (column: string) =>
    sql`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const q = sql`
    insert into notification (id, created_at, updated_at, tenant_id, booking_id, kind, recipient,
      status, attempts, payload, send_at, last_error)
    select gen_random_uuid(), ${now}, ${now}, b.tenant_id, b.id,
      'reminder.' || lower(r.recipient::text), x.email,
      (case when not ${emailOn} or ${sendAt} <= ${now} then 'SKIPPED' else 'SCHEDULED' end)::notification_status,
      0,
      jsonb_build_object(
        'reminder', jsonb_build_object('ruleId', r.id, 'offsetMinutes', r.offset_minutes),
        'serviceName', s.name, 'startsAt', ${iso('b.starts_at')}, 'endsAt', ${iso('b.ends_at')}),
      ${sendAt},
      case when not ${emailOn} then 'email is switched off'
        when ${sendAt} <= ${now} then 'its time had passed when the booking was made' end
    from booking b
    join reminder_rule r on r.tenant_id = b.tenant_id and r.active
      and (r.service_ids = '[]'::jsonb or r.service_ids @> jsonb_build_array(b.service_id::text))
    join service s on s.id = b.service_id
    join tenant t on t.id = b.tenant_id
    join lateral (
      select b.customer_email as email where r.recipient = 'CUSTOMER'
      union all select t.email where r.recipient = 'BUSINESS'
      union all select u.email from user_resource ur join app_user u on u.id = ur.user_id
        where r.recipient = 'STAFF' and u.active and ur.resource_id = b.resource_id
    ) x on true
    where b.tenant_id = ${tenantId} and b.status = 'CONFIRMED' and ${which}`;
  return write(tx, q.compile(db));
}

/** Drops the reminders still waiting (of some bookings, or all of the tenant's), saying why. */
export function dropReminders(
  tx: EntityManager,
  bookingIds: readonly string[] | null,
  reason: string,
  now: Date,
): Promise<number> {
  let q = db
    .updateTable('notification')
    .set({ status: NotificationStatus.SKIPPED, last_error: reason, updated_at: now })
    .where('tenant_id', '=', tenantOf(tx))
    .where('status', '=', NotificationStatus.SCHEDULED);
  if (bookingIds) q = q.where(anyOf('booking_id', idList(bookingIds)));
  return write(tx, q);
}

/**
 * The reminders due at `now`, of every tenant, made QUEUED (at most `limit`, oldest first;
 * another instance's sweep skips the rows this one holds): the sweep's one statement, so it
 * names no tenant.
 */
export function releaseDueReminders(tx: EntityManager, now: Date, limit: number) {
  const q = sql<{ id: string; tenantId: string }>`
    update notification set status = 'QUEUED', updated_at = ${now}
    where id in (
      select id from notification where status = 'SCHEDULED' and send_at <= ${now}
      order by send_at limit ${limit} for update skip locked)
    returning id, tenant_id as "tenantId"`;
  return rows(tx, q.compile(db)) as Promise<{ id: string; tenantId: string }[]>;
}
