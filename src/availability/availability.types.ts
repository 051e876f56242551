import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Booking, type BookingView } from '../bookings/booking.entity.js';
import { DateTimeScalar, LocalDateScalar, LocalTimeScalar } from '../graphql/scalars.js';
import { Payload } from '../shared/errors.js';
import { After, Rule, Trimmed } from '../shared/validation.js';
import { Blackout } from './blackout.entity.js';

export enum Weekday {
  MONDAY = 'MONDAY',
  TUESDAY = 'TUESDAY',
  WEDNESDAY = 'WEDNESDAY',
  THURSDAY = 'THURSDAY',
  FRIDAY = 'FRIDAY',
  SATURDAY = 'SATURDAY',
  SUNDAY = 'SUNDAY',
}
registerEnumType(Weekday, { name: 'Weekday' });

/** The weekdays in ISO order: ISO weekday n (1 = Monday) is WEEKDAYS[n - 1]. */
export const WEEKDAYS: readonly Weekday[] = Object.values(Weekday);

@ObjectType()
export class WeeklyWindow {
  @Field(() => Weekday)
  weekday!: Weekday;

  @Field(() => LocalTimeScalar)
  startTime!: string;

  @Field(() => LocalTimeScalar)
  endTime!: string;
}

@ObjectType()
export class TimeWindow {
  @Field(() => LocalTimeScalar)
  startTime!: string;

  @Field(() => LocalTimeScalar)
  endTime!: string;
}

@ObjectType('DateOverride', { description: 'The windows of one local date; [] = closed that day.' })
export class DateOverrideType {
  @Field(() => LocalDateScalar)
  date!: string;

  @Field(() => [TimeWindow])
  windows!: TimeWindow[];
}

const END_OF_DAY = '24:00';

/** The description of every `affectedBookings`. */
export const AFFECTED =
  'Open bookings the change leaves outside availability: kept, or cancelled with onAffected: CANCEL.';

@InputType()
export class TimeWindowInput {
  @Field(() => LocalTimeScalar)
  @Rule(
    (value) => value !== END_OF_DAY,
    'must be HH:mm from 00:00 to 23:59 (24:00 is allowed only as an end)',
  )
  startTime!: string;

  @Field(() => LocalTimeScalar)
  // HH:mm compares as text; a start of 24:00 is refused on its own.
  @Rule(
    (end, window) => window.startTime === END_OF_DAY || String(end) > String(window.startTime),
    (args) => `must be after startTime (${(args.object as TimeWindowInput).startTime})`,
  )
  endTime!: string;
}

@InputType()
export class WeeklyWindowInput extends TimeWindowInput {
  @Field(() => Weekday)
  weekday!: Weekday;
}

@InputType()
export class BlackoutInput {
  @Field(() => ID, { nullable: true, description: 'null = every resource of the tenant' })
  resourceId?: string | null;

  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => DateTimeScalar)
  @After('startsAt')
  endsAt!: Date;

  @Field(() => String, { nullable: true })
  @Trimmed(0, 500)
  reason?: string | null;
}

@ObjectType()
export class BlackoutPayload extends Payload {
  @Field(() => Blackout, { nullable: true })
  blackout: Blackout | null = null;

  @Field(() => [Booking], { description: AFFECTED })
  affectedBookings: BookingView[] = [];
}

export enum AffectedBookings {
  KEEP = 'KEEP',
  CANCEL = 'CANCEL',
}
registerEnumType(AffectedBookings, {
  name: 'AffectedBookings',
  description: 'What becomes of open bookings that a change of availability leaves outside it.',
});

/** What a change of availability does with the bookings it leaves outside availability. */
@ArgsType()
export class AffectedArgs {
  @Field(() => AffectedBookings, { nullable: true, defaultValue: AffectedBookings.KEEP })
  onAffected?: AffectedBookings | null = AffectedBookings.KEEP;

  @Field(() => String, { nullable: true, description: 'told to each customer cancelled' })
  @Trimmed(0, 1000)
  cancellationReason?: string | null;
}
