import { EntityName, type Ref } from '@mikro-orm/core';
import {
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { changeTriggers } from '../cache/change-feed.js';
import { Resource } from '../catalog/resource.entity.js';
import { Service } from '../catalog/service.entity.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { EmailAddressScalar } from '../graphql/scalars.js';
import { BookingStatus } from './booking-status.js';

const BOOKING_NO_OVERLAP = 'booking_no_overlap';
// Active bookings' spans on a resource never overlap but in one session; as PostgreSQL prints it.
const NO_OVERLAP_EXPRESSION =
  "EXCLUDE USING gist (resource_id WITH =, tstzrange(occupied_start, occupied_end) WITH &&, session_key WITH <>) WHERE ((status = ANY (ARRAY['PENDING'::booking_status, 'CONFIRMED'::booking_status, 'COMPLETED'::booking_status, 'NO_SHOW'::booking_status])))";

@ObjectType()
@TenantScoped()
@Entity({ tableName: 'booking', triggers: changeTriggers('tenant_id') })
@Check({ name: BOOKING_NO_OVERLAP, expression: NO_OVERLAP_EXPRESSION })
@Check({ name: 'booking_ends_after_start', expression: 'ends_at > starts_at' })
@Check({ name: 'booking_seats_positive', expression: 'seats >= 1' })
@Unique({ properties: ['tenant', 'reference'] })
@Unique({ properties: ['tenant', 'idempotencyKey'] })
@Index({ properties: ['resource', 'occupiedStart'] })
@Index({ properties: ['tenant', 'startsAt', 'id'] })
export class Booking extends TenantOwnedEntity<
  | 'status'
  | 'seats'
  | 'customerPhone'
  | 'notes'
  | 'cancelledAt'
  | 'cancellationReason'
  | 'manageTokenHash'
  | 'idempotencyKey'
  | 'requestFingerprint'
  | 'sequence'
> {
  declare [EntityName]?: 'Booking'; // its table, for the stores' types (db/sql.ts)
  @Field()
  @Property({ length: 16 })
  reference!: string;

  @ManyToOne(() => Service, { ref: true, index: true })
  service!: Ref<Service>;

  @ManyToOne(() => Resource, { ref: true })
  resource!: Ref<Resource>;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  /** startsAt - the service's buffer before: the time the booking keeps the resource from. */
  @Property({ type: 'timestamptz' })
  occupiedStart!: Date;

  /** endsAt + the service's buffer after. */
  @Property({ type: 'timestamptz' })
  occupiedEnd!: Date;

  /** Shared by the bookings of one group session, unique otherwise. */
  @Property({ type: 'uuid' })
  sessionKey!: string;

  @Field(() => BookingStatus)
  @Enum({ items: () => BookingStatus, nativeEnumName: 'booking_status' })
  status: BookingStatus = BookingStatus.CONFIRMED;

  @Field(() => Int)
  @Property({ default: 1 })
  seats: number = 1;

  @Field()
  @Property({ length: 200 })
  customerName!: string;

  @Field(() => EmailAddressScalar)
  @Property({ length: 254 })
  customerEmail!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 40, nullable: true })
  customerPhone: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes: string | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  cancellationReason: string | null = null;

  /** SHA-256 of the customer's manage token; the token itself is never stored. */
  @Property({ type: 'string', length: 64, nullable: true, unique: true })
  manageTokenHash: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  idempotencyKey: string | null = null;

  /** SEQUENCE of the booking's calendar invites: 0 when made, one more with every change. */
  @Property({ default: 0 })
  sequence: number = 0;

  /** SHA-256 of the request that used the idempotency key, to refuse a different request. */
  @Property({ type: 'string', length: 64, nullable: true })
  requestFingerprint: string | null = null;
}

/** A booking as the API shows it, relations by id: an entity, or createBooking's plain object. */
export type BookingView = Omit<Booking, 'tenant' | 'service' | 'resource'> & {
  tenant: { id: string };
  service: { id: string };
  resource: { id: string };
};
