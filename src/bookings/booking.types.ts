import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, EmailAddressScalar } from '../graphql/scalars.js';
import { Payload } from '../shared/errors.js';
import { Booking, type BookingView } from './booking.entity.js';
import type { ListedBooking } from './booking.store.js';
import { BookingStatus } from './booking-status.js';

@InputType()
export class CustomerInput {
  @Field()
  name!: string;

  @Field(() => EmailAddressScalar)
  email!: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;
}

@InputType()
export class CreateBookingInput {
  @Field(() => ID)
  serviceId!: string;

  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => Int, { nullable: true, defaultValue: 1 })
  seats?: number | null = 1;

  @Field(() => CustomerInput)
  customer!: CustomerInput;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A repeat with the same key returns the first booking; a different request with it is refused.',
  })
  idempotencyKey?: string | null;
}

@ObjectType()
export class CreateBookingPayload extends Payload {
  @Field(() => Booking, { nullable: true })
  booking: BookingView | null = null;

  @Field(() => String, {
    nullable: true,
    description:
      "The customer's manage token, shown once (null when an idempotent repeat returns the first booking).",
  })
  manageToken: string | null = null;
}

@ObjectType()
export class BookingPayload extends Payload {
  @Field(() => Booking, { nullable: true })
  booking: BookingView | null = null;
}

@InputType()
export class BookingFilter {
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'bookings whose start lies in [from, to)',
  })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  to?: Date | null;

  @Field(() => [BookingStatus], { nullable: true })
  statuses?: BookingStatus[] | null;

  @Field(() => [ID], { nullable: true })
  serviceIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'reference, customer name or email' })
  search?: string | null;
}

@ObjectType()
export class BookingEdge {
  @Field()
  cursor!: string;

  @Field(() => Booking)
  node!: ListedBooking;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType()
export class BookingConnection {
  @Field(() => [BookingEdge])
  edges!: BookingEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
