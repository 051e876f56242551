import { IsOptional, Length, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, EmailAddressScalar, TimeZoneScalar } from '../graphql/scalars.js';
import { Payload } from '../shared/errors.js';
import { After, LanguageTag, NotNull, Printable, Rule, Trimmed } from '../shared/validation.js';
import { Booking, type BookingView } from './booking.entity.js';
import { BookingStatus } from './booking-status.js';

const PHONE = /^\+?[0-9 ()\-.]{3,40}$/;

/** A phone number, or empty (null and undefined pass). */
const Phone = () =>
  Rule(
    (value) => value == null || value === '' || PHONE.test(String(value).trim()),
    'must be a phone number (digits, spaces, + ( ) - .), at most 40 characters',
  );

@InputType()
export class CustomerInput {
  @Field()
  @Trimmed(1, 200)
  @Printable()
  name!: string;

  @Field(() => EmailAddressScalar)
  @MaxLength(254, { message: 'must be at most 254 characters' })
  email!: string;

  @Field(() => String, { nullable: true })
  @Phone()
  phone?: string | null;

  @Field(() => TimeZoneScalar, {
    nullable: true,
    description: "The customer's time zone: their email gives times in it, naming the business's.",
  })
  timeZone?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The customer's language (BCP 47, e.g. de or fr-CA): their email and manage page use it when the messages are written in it (en, de, fr, es), else the business's.",
  })
  @LanguageTag()
  locale?: string | null;
}

@InputType({ description: 'Only the fields given change; null clears the phone or the notes.' })
export class BookingDetailsInput {
  @Field(() => String, { nullable: true })
  @Trimmed(1, 200)
  @Printable()
  @NotNull()
  name?: string | null;

  @Field(() => EmailAddressScalar, { nullable: true })
  @IsOptional()
  @MaxLength(254, { message: 'must be at most 254 characters' })
  @NotNull()
  email?: string | null;

  @Field(() => String, { nullable: true })
  @Phone()
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @Trimmed(0, 2000)
  notes?: string | null;
}

@InputType()
export class CreateBookingInput {
  @Field(() => ID)
  serviceId!: string;

  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => Int, { nullable: true, defaultValue: 1 })
  @IsOptional()
  @Min(1, { message: 'must be at least 1' })
  seats?: number | null = 1;

  @Field(() => ID, {
    nullable: true,
    description: "one member of the service's pool (the customer's choice); null: the policy picks",
  })
  resourceId?: string | null;

  @Field(() => CustomerInput)
  @ValidateNested()
  customer!: CustomerInput;

  @Field(() => String, { nullable: true })
  @Trimmed(0, 2000)
  notes?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A repeat with the same key returns the first booking; a different request with it is refused.',
  })
  @IsOptional()
  @Length(1, 200, { message: 'must be 1 to 200 printable characters' })
  @Printable()
  idempotencyKey?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      'ADMIN only: book past the notice, the horizon and the opening hours (a walk-in, a phone call); never over a blackout, a booking or capacity. Audited.',
  })
  bypassPolicy?: boolean | null = false;
}

@ArgsType()
export class CancelArgs {
  @Field(() => String, { nullable: true })
  @Trimmed(0, 1000)
  reason?: string | null;
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
  @After('from')
  to?: Date | null;

  @Field(() => [BookingStatus], { nullable: true })
  statuses?: BookingStatus[] | null;

  @Field(() => [ID], { nullable: true })
  serviceIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'reference, customer name or email' })
  @Trimmed(0, 200)
  search?: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'bookings changed (or made) at or after this instant, whenever they start',
  })
  updatedSince?: Date | null;
}
