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
import { EmailAddressScalar, TimeZoneScalar } from '../graphql/scalars.js';
import { BookingStatus } from './booking-status.js';

/** Keeps the booking's occupancy of its resource (booking_resource) with its row, in every write. */
const OCCUPY_TRIGGER = {
  name: 'occupy',
  timing: 'after' as const,
  events: ['insert' as const, 'update' as const],
  forEach: 'row' as const,
  // The body of a plpgsql function; statuses that occupy time: ACTIVE_STATUSES.
  body: `if tg_op = 'INSERT' then
    insert into booking_resource (id, created_at, updated_at, tenant_id, booking_id, resource_id, occupied_start, occupied_end, session_key, active)
    values (gen_random_uuid(), now(), now(), new.tenant_id, new.id, new.resource_id, new.occupied_start, new.occupied_end, new.session_key, new.status <> 'CANCELLED');
  elsif (new.resource_id, new.occupied_start, new.occupied_end, new.session_key, new.status)
      is distinct from (old.resource_id, old.occupied_start, old.occupied_end, old.session_key, old.status) then
    update booking_resource set resource_id = new.resource_id, updated_at = now()
      where booking_id = new.id and resource_id = old.resource_id and new.resource_id <> old.resource_id;
    update booking_resource set occupied_start = new.occupied_start, occupied_end = new.occupied_end,
      session_key = new.session_key, active = new.status <> 'CANCELLED', updated_at = now()
      where booking_id = new.id;
  end if;
  return null;`,
};

@ObjectType()
@TenantScoped()
@Entity({ tableName: 'booking', triggers: [...changeTriggers('tenant_id'), OCCUPY_TRIGGER] })
@Check({ name: 'booking_ends_after_start', expression: 'ends_at > starts_at' })
@Check({ name: 'booking_seats_positive', expression: 'seats >= 1' })
@Unique({ properties: ['tenant', 'reference'] })
@Unique({ properties: ['tenant', 'idempotencyKey'] })
@Index({ properties: ['resource', 'occupiedStart'] })
@Index({ properties: ['tenant', 'startsAt', 'id'] })
// `updatedSince`: what changed since a partner's last export.
@Index({ properties: ['tenant', 'updatedAt'] })
export class Booking extends TenantOwnedEntity<
  | 'status'
  | 'seats'
  | 'customerPhone'
  | 'customerTimeZone'
  | 'customerLocale'
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

  @Field(() => TimeZoneScalar, {
    nullable: true,
    description: "The customer's time zone, when the frontend gave it.",
  })
  @Property({ type: 'string', length: 64, nullable: true })
  customerTimeZone: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: "The customer's language (BCP 47), when the frontend gave it.",
  })
  @Property({ type: 'string', length: 35, nullable: true })
  customerLocale: string | null = null;

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

  /**
   * The manage token, encrypted with SECRET_KEY, so that every email to the customer can carry
   * the link; the token is looked up only by its hash.
   */
  @Property({ type: 'text', nullable: true })
  manageTokenSealed: string | null = null;

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
