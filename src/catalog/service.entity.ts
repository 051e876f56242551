import { EntityName, type Ref } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { changeTriggers } from '../cache/change-feed.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { AssignmentPolicy } from './assignment.js';
import { Resource } from './resource.entity.js';

/** Something a business sells time for, delivered by one resource of its pool (and of each requirement). */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'service', triggers: changeTriggers('tenant_id') })
export class Service extends TenantOwnedEntity<
  | 'description'
  | 'slotIntervalOverride'
  | 'slotIntervalMinutes'
  | 'bufferBeforeMinutes'
  | 'bufferAfterMinutes'
  | 'capacity'
  | 'priceMinor'
  | 'currency'
  | 'requiresConfirmation'
  | 'minimumNoticeMinutes'
  | 'maxAdvanceDays'
  | 'active'
  | 'assignment'
> {
  declare [EntityName]?: 'Service'; // its table, for the stores' types (db/sql.ts)
  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Field(() => Int)
  @Property()
  durationMinutes!: number;

  /** Stored only when set explicitly; `slotIntervalMinutes` falls back to the duration. */
  @Property({ type: 'integer', nullable: true, fieldName: 'slot_interval_minutes' })
  slotIntervalOverride: number | null = null;

  @Field(() => Int, { description: 'Step between candidate starts; defaults to durationMinutes.' })
  get slotIntervalMinutes(): number {
    return this.slotIntervalOverride ?? this.durationMinutes;
  }

  @Field(() => Int)
  @Property({ default: 0 })
  bufferBeforeMinutes: number = 0;

  @Field(() => Int)
  @Property({ default: 0 })
  bufferAfterMinutes: number = 0;

  @Field(() => Int, { description: '1 = one-to-one; N > 1 = group session of N seats' })
  @Property({ default: 1 })
  capacity: number = 1;

  @Field(() => Int, { nullable: true, description: 'Price in minor units (pence, cents).' })
  @Property({ type: 'integer', nullable: true })
  priceMinor: number | null = null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency code.' })
  @Property({ type: 'string', length: 3, nullable: true })
  currency: string | null = null;

  @Field()
  @Property({ default: false })
  requiresConfirmation: boolean = false;

  @Field(() => Int, { nullable: true, description: "null = the tenant's default" })
  @Property({ type: 'integer', nullable: true })
  minimumNoticeMinutes: number | null = null;

  @Field(() => Int, { nullable: true, description: "null = the tenant's default" })
  @Property({ type: 'integer', nullable: true })
  maxAdvanceDays: number | null = null;

  @Field()
  @Property({ default: true })
  active: boolean = true;

  /** The first of the pool, kept with it: clients of one resource per service read it. */
  @ManyToOne(() => Resource, { ref: true, index: true })
  resource!: Ref<Resource>;

  @Field(() => AssignmentPolicy, { description: 'who of the pool takes a booking' })
  @Enum({ items: () => AssignmentPolicy, nativeEnumName: 'assignment_policy' })
  assignment: AssignmentPolicy = AssignmentPolicy.LEAST_BOOKED_DAY;
}
