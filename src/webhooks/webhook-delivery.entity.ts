import { EntityName, type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WebhookDeliveryStatus } from './webhook-enums.js';

/**
 * One message for one endpoint: an event, a redelivery of one, or a test. Its body is fixed
 * when it is made. Per endpoint and booking, deliveries go out in `position` order.
 */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'webhook_delivery' })
// The open deliveries only, each sender's lookup of its queue's head; the history stays out.
@Index({
  name: 'webhook_delivery_open_index',
  expression:
    'create index "webhook_delivery_open_index" on "webhook_delivery" ("endpoint_id", "booking_id", "position") where status in (\'PENDING\', \'RETRYING\')',
})
// An endpoint's deliveries, newest first (webhookDeliveries).
@Index({ properties: ['endpoint', 'position'] })
export class WebhookDelivery extends TenantOwnedEntity<
  | 'status'
  | 'attemptCount'
  | 'failures'
  | 'firstFailedAt'
  | 'lastAttemptAt'
  | 'lastStatusCode'
  | 'lastError'
  | 'claimedUntil'
  | 'deliveredAt'
  | 'position'
> {
  declare [EntityName]?: 'WebhookDelivery'; // its table, for the stores' types (db/sql.ts)

  @ManyToOne(() => WebhookEndpoint, { ref: true, deleteRule: 'cascade' })
  endpoint!: Ref<WebhookEndpoint>;

  /** The `webhook-id` header: the event's id (the same on every attempt and redelivery). */
  @Field(() => ID)
  @Property({ type: 'uuid' })
  messageId!: string;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  eventId!: string | null;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  bookingId!: string | null;

  /** `booking.created` ... or `webhook.test`. */
  @Field()
  @Property({ length: 40 })
  type!: string;

  @Property({ type: 'json' })
  body!: Record<string, unknown>;

  @Field(() => WebhookDeliveryStatus)
  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int)
  @Property({ default: 0 })
  attemptCount: number = 0;

  @Field(() => DateTimeScalar, { description: 'when it is (next) tried' })
  @Property({ type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** Failed attempts since the retry window began (resuming a paused endpoint starts anew). */
  @Property({ default: 0 })
  failures: number = 0;

  /** When its first attempt failed: the retry window runs from here. */
  @Property({ type: 'timestamptz', nullable: true })
  firstFailedAt: Date | null = null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null = null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  lastStatusCode: number | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null = null;

  /** A sender's lease: nobody else sends this endpoint's deliveries of the booking meanwhile. */
  @Property({ type: 'timestamptz', nullable: true })
  claimedUntil: Date | null = null;

  @Property({ type: 'bigint', autoincrement: true })
  position!: string;
}

/** One try of a delivery: what came back and how long it took. */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'webhook_attempt' })
export class WebhookAttempt extends TenantOwnedEntity {
  declare [EntityName]?: 'WebhookAttempt'; // its table, for the stores' types (db/sql.ts)

  @ManyToOne(() => WebhookDelivery, { ref: true, deleteRule: 'cascade', index: true })
  delivery!: Ref<WebhookDelivery>;

  @Field(() => Int, { nullable: true, description: 'the HTTP status; null when none came back' })
  @Property({ type: 'integer', nullable: true })
  statusCode!: number | null;

  @Field(() => Int)
  @Property()
  latencyMs!: number;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error!: string | null;

  @Field()
  @Property()
  succeeded!: boolean;
}
