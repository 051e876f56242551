import { EntityName } from '@mikro-orm/core';
import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { BookingEventType } from '../events/booking-event-type.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { WebhookPayload } from './webhook-enums.js';

/** Where a tenant's booking events are pushed; its secrets are sealed with SECRET_KEY. */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'webhook_endpoint' })
export class WebhookEndpoint extends TenantOwnedEntity<
  'previousSecretSealed' | 'previousSecretUntil' | 'pausedAt' | 'pauseReason' | 'active'
> {
  declare [EntityName]?: 'WebhookEndpoint'; // its table, for the stores' types (db/sql.ts)

  @Field()
  @Property({ type: 'text' })
  url!: string;

  @Field(() => [BookingEventType])
  @Property({ type: 'json' })
  events!: BookingEventType[];

  @Field(() => [ID], { description: 'only bookings of these services; empty: every service' })
  @Property({ type: 'json' })
  serviceIds!: string[];

  @Field(() => WebhookPayload)
  @Enum({ items: () => WebhookPayload, nativeEnumName: 'webhook_payload' })
  payload!: WebhookPayload;

  @Property({ type: 'text' })
  secretSealed!: string;

  /** The secret before the last rotation: it signs beside the new one until `previousSecretUntil`. */
  @Property({ type: 'text', nullable: true })
  previousSecretSealed: string | null = null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'until when the secret before the last rotation also signs',
  })
  @Property({ type: 'timestamptz', nullable: true })
  previousSecretUntil: Date | null = null;

  @Field({ description: 'false: paused by an admin, or after a delivery failed for 24 hours' })
  @Property({ default: true })
  active: boolean = true;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  pausedAt: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  pauseReason: string | null = null;
}
