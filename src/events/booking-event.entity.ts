import { EntityName } from '@mikro-orm/core';
import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { changeTriggers } from '../cache/change-feed.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { BookingEventType } from './booking-event-type.js';

/** What an event carries of the booking after the change (a FULL webhook's `data`). */
export interface BookingEventData {
  id: string;
  reference: string;
  status: string;
  serviceId: string;
  resourceIds: string[];
  startsAt: string;
  endsAt: string;
  seats: number;
  customer: { name: string; email: string; phone: string | null };
  notes: string | null;
  cancellationReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * One change of a booking, written in the change's own transaction. The feed reads them in
 * the order of `(xid, position)`, only below the oldest transaction still running
 * (docs/EVENTS.md): `xid` is the writing transaction's id, `position` its order within it.
 * No foreign key to the booking: its history outlives it.
 */
@ObjectType({ description: 'One change of a booking (docs/EVENTS.md)' })
@TenantScoped()
@Entity({ tableName: 'booking_event', triggers: changeTriggers('tenant_id') })
@Unique({ properties: ['bookingId', 'sequence'] })
@Index({ properties: ['tenant', 'xid', 'position'] })
export class BookingEvent extends TenantOwnedEntity<'xid' | 'position'> {
  declare [EntityName]?: 'BookingEvent'; // its table, for the stores' types (db/sql.ts)

  @Field(() => ID)
  @Property({ type: 'uuid' })
  bookingId!: string;

  @Property({ type: 'uuid' })
  serviceId!: string;

  @Field(() => BookingEventType)
  @Enum({ items: () => BookingEventType, nativeEnumName: 'booking_event_type' })
  type!: BookingEventType;

  /** 1 for the booking's first event, one more with each. */
  @Field(() => Int)
  @Property()
  sequence!: number;

  /** CUSTOMER, USER, API_KEY, PLATFORM or SYSTEM, as the audit names them. */
  @Field()
  @Property({ length: 16 })
  actorKind!: string;

  /** The booking's resources after the change, its own first: what STAFF scope reads. */
  @Property({ type: 'json' })
  resourceIds!: string[];

  @Field(() => GraphQLJSONObject, {
    description: 'the booking after the change, as a FULL webhook carries it',
  })
  @Property({ type: 'json' })
  data!: BookingEventData;

  /** When the change was made: the row's `created_at`, as the store reads it (not a column). */
  @Field(() => DateTimeScalar)
  occurredAt!: Date;

  @Property({ columnType: 'xid8', type: 'string', defaultRaw: 'pg_current_xact_id()' })
  xid!: string;

  @Property({ type: 'bigint', autoincrement: true })
  position!: string;
}
