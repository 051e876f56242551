import { EntityName } from '@mikro-orm/core';
import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';

/** Who a reminder goes to. */
export enum ReminderRecipient {
  CUSTOMER = 'CUSTOMER',
  /** The business's own address (`Tenant.email`). */
  BUSINESS = 'BUSINESS',
  /** The active users who work on the booking's resource. */
  STAFF = 'STAFF',
}
registerEnumType(ReminderRecipient, { name: 'ReminderRecipient' });

/** The rule a new business starts with: the customer, 24 hours before. */
export const DEFAULT_REMINDER = { offsetMinutes: 24 * 60, recipient: ReminderRecipient.CUSTOMER };

/** A reminder sent `offsetMinutes` before each booking's start (of `serviceIds`, or of every service). */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'reminder_rule' })
export class ReminderRule extends TenantOwnedEntity<'active' | 'serviceIds'> {
  declare [EntityName]?: 'ReminderRule'; // its table, for the stores' types (db/sql.ts)

  @Field(() => Int, { description: 'minutes before the start' })
  @Property()
  offsetMinutes!: number;

  @Field(() => ReminderRecipient)
  @Enum({ items: () => ReminderRecipient, nativeEnumName: 'reminder_recipient' })
  recipient!: ReminderRecipient;

  @Field(() => [ID], { description: 'only bookings of these services; empty: every service' })
  @Property({ type: 'json' })
  serviceIds: string[] = [];

  @Field()
  @Property({ default: true })
  active: boolean = true;
}
