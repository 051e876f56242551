import { EntityName, type Ref } from '@mikro-orm/core';
import { Check, Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from '../catalog/resource.entity.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { Booking } from './booking.entity.js';

// Active occupancies of a resource never overlap but in one session; as PostgreSQL prints it.
const NO_OVERLAP =
  'EXCLUDE USING gist (resource_id WITH =, tstzrange(occupied_start, occupied_end) WITH &&, session_key WITH <>) WHERE (active)';

/**
 * What a booking occupies: one row per (booking, resource), carrying the guarantee that no
 * resource is double-booked. The booking's own resource's row is written by the booking
 * table's `occupy` trigger, so that every way of writing a booking keeps it.
 */
@TenantScoped()
@Entity({ tableName: 'booking_resource' })
@Check({ name: 'booking_resource_no_overlap', expression: NO_OVERLAP })
@Unique({ properties: ['booking', 'resource'] })
// What the slot engine reads: a resource's occupancies from a start on.
@Index({ properties: ['resource', 'occupiedStart'] })
export class BookingResource extends TenantOwnedEntity {
  declare [EntityName]?: 'BookingResource'; // its table, for the stores' types (db/sql.ts)
  @ManyToOne(() => Booking, { ref: true, deleteRule: 'cascade' })
  booking!: Ref<Booking>;

  @ManyToOne(() => Resource, { ref: true })
  resource!: Ref<Resource>;

  @Property({ type: 'timestamptz' })
  occupiedStart!: Date;

  @Property({ type: 'timestamptz' })
  occupiedEnd!: Date;

  @Property({ type: 'uuid' })
  sessionKey!: string;

  /** The booking's status occupies time (not CANCELLED). */
  @Property()
  active!: boolean;
}
