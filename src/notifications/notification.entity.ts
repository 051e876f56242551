import { EntityName, type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { Booking } from '../bookings/booking.entity.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { NotificationStatus } from './notification-status.js';

/** What a booking email says, frozen when the event happens so that every retry sends the same. */
export interface BookingMailPayload {
  /** METHOD of the calendar invite. */
  method: 'REQUEST' | 'CANCEL';
  /** SEQUENCE of the calendar invite. */
  sequence: number;
  serviceName: string;
  startsAt: string;
  endsAt: string;
  previousStartsAt?: string;
  previousEndsAt?: string;
  reason?: string | null;
  by?: 'admin' | 'customer';
  /** The manage token, encrypted, until the confirmation email carrying it is sent. */
  sealedManageToken?: string;
}

/** An invitation or a password reset: its link's token waits encrypted until the email is sent. */
export interface AccountMailPayload {
  account: 'invitation' | 'password_reset';
  sealedToken?: string;
  expiresAt: string;
  role?: string;
}

/** A notice to the business's admins: a webhook endpoint paused after failing for a day. */
export interface NoticeMailPayload {
  notice: 'webhook_paused';
  url: string;
  reason: string;
}

/** A reminder of a booking, planned by a rule; re-checked against the booking before it goes. */
export interface ReminderMailPayload {
  reminder: { ruleId: string; offsetMinutes: number };
  serviceName: string;
  /** The start it was planned for: a booking that moved since is not reminded by it. */
  startsAt: string;
  endsAt: string;
}

export type NotificationPayload =
  | BookingMailPayload
  | AccountMailPayload
  | NoticeMailPayload
  | ReminderMailPayload;

/** One email (about a booking event, or an account's link), and the record of its delivery. */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'notification' })
@Index({ properties: ['tenant', 'createdAt'] })
// The reminders the sweep releases: scheduled ones by send time. (Not a partial index: the
// migration that adds SCHEDULED to the enum cannot also use it in the same transaction.)
@Index({ properties: ['status', 'sendAt'] })
export class Notification extends TenantOwnedEntity<
  'status' | 'attempts' | 'lastError' | 'sentAt' | 'booking' | 'sendAt'
> {
  declare [EntityName]?: 'Notification'; // its table, for the stores' types (db/sql.ts)
  @ManyToOne(() => Booking, { ref: true, nullable: true, index: true, deleteRule: 'set null' })
  booking: Ref<Booking> | null = null;

  @Field({ description: 'e.g. booking.created.customer' })
  @Property({ length: 64 })
  kind!: string;

  @Field()
  @Property({ length: 254 })
  recipient!: string;

  @Field(() => NotificationStatus)
  @Enum({ items: () => NotificationStatus, nativeEnumName: 'notification_status' })
  status: NotificationStatus = NotificationStatus.QUEUED;

  @Field(() => Int)
  @Property({ default: 0 })
  attempts: number = 0;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: "a reminder's send time" })
  @Property({ type: 'timestamptz', nullable: true })
  sendAt: Date | null = null;

  @Property({ type: 'json' })
  payload!: NotificationPayload;
}
