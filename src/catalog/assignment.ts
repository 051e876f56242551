import { registerEnumType } from 'type-graphql';

/** How a pool's member is picked when the customer names none (docs/BOOKINGS.md, "Pools"). */
export enum AssignmentPolicy {
  /** The member with the fewest active bookings that local day, then pool order. */
  LEAST_BOOKED_DAY = 'LEAST_BOOKED_DAY',
  /** The first free member in pool order. */
  PRIORITY = 'PRIORITY',
  /** The member least recently assigned a booking of the service. */
  ROUND_ROBIN = 'ROUND_ROBIN',
}
registerEnumType(AssignmentPolicy, { name: 'AssignmentPolicy' });
