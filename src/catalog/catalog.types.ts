import {
  IsBoolean,
  IsOptional,
  Length,
  MaxLength,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { AFFECTED } from '../availability/availability.types.js';
import { Booking, type BookingView } from '../bookings/booking.entity.js';
import { Payload } from '../shared/errors.js';
import { NotNull, Printable, Rule, Trimmed, Whole } from '../shared/validation.js';
import { AssignmentPolicy } from './assignment.js';
import { Resource } from './resource.entity.js';
import { Service } from './service.entity.js';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const MINUTES_PER_DAY = 24 * 60;

@ValidatorConstraint({ name: 'isCurrency' })
class IsIso4217 implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return value == null || (typeof value === 'string' && CURRENCIES.has(value));
  }
  defaultMessage(): string {
    return 'currency must be an ISO 4217 code such as GBP, EUR or USD';
  }
}

/** Most members of a pool or of a requirement, and most requirements of a service. */
export const MAX_POOL = 20;
export const MAX_REQUIREMENTS = 5;

@InputType()
export class RequirementInput {
  @Field({ description: 'e.g. "Room"' })
  @Trimmed(1, 100)
  @Printable()
  label!: string;

  @Field(() => [ID], { description: 'in priority order' })
  @Rule(
    (v) => Array.isArray(v) && v.length >= 1 && v.length <= MAX_POOL,
    `must name 1 to ${MAX_POOL} resources`,
  )
  @Rule((v) => Array.isArray(v) && new Set(v).size === v.length, 'must not repeat a resource')
  resourceIds!: string[];
}

@InputType()
export class ServiceInput {
  @Field()
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;

  @Field(() => Int)
  @Whole(1, MINUTES_PER_DAY, 'must be positive', `must be at most ${MINUTES_PER_DAY} (one day)`)
  durationMinutes!: number;

  @Field(() => Int, { nullable: true, description: 'defaults to durationMinutes' })
  @Whole(1, MINUTES_PER_DAY, 'must be positive', `must be at most ${MINUTES_PER_DAY} (one day)`)
  slotIntervalMinutes?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: 0 })
  @Whole(0, MINUTES_PER_DAY)
  bufferBeforeMinutes?: number | null = 0;

  @Field(() => Int, { nullable: true, defaultValue: 0 })
  @Whole(0, MINUTES_PER_DAY)
  bufferAfterMinutes?: number | null = 0;

  @Field(() => Int, { nullable: true, defaultValue: 1 })
  @Whole(1, 10_000)
  capacity?: number | null = 1;

  @Field(() => Int, { nullable: true, description: 'price in minor units (pence, cents)' })
  @Whole(0)
  priceMinor?: number | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 code' })
  @ValidateIf((input: ServiceInput) => input.currency != null || input.priceMinor != null)
  @Validate(IsIso4217)
  @Rule(
    (value, input) => (value == null) === (input.priceMinor == null),
    'priceMinor and currency must be given together',
    { checkUndefined: true },
  )
  currency?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  @IsOptional()
  @IsBoolean()
  requiresConfirmation?: boolean | null = false;

  @Field(() => Int, { nullable: true })
  @Whole(0, 60 * 24 * 365)
  minimumNoticeMinutes?: number | null;

  @Field(() => Int, { nullable: true })
  @Whole(1, 3650)
  maxAdvanceDays?: number | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "a pool of one (resourceIds says more); createService: null = the tenant's first resource; updateService: null keeps the current pool",
  })
  @IsOptional()
  resourceId?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description: 'the pool, in priority order; null: as resourceId says',
  })
  @Rule(
    (v) => v == null || (Array.isArray(v) && v.length >= 1 && v.length <= MAX_POOL),
    `must name 1 to ${MAX_POOL} resources`,
  )
  @Rule(
    (v) => v == null || (Array.isArray(v) && new Set(v).size === v.length),
    'must not repeat a resource',
  )
  resourceIds?: string[] | null;

  @Field(() => [RequirementInput], {
    nullable: true,
    description:
      'further pools of which one resource each must be free too; null keeps them on update',
  })
  @Rule(
    (v) => v == null || (Array.isArray(v) && v.length <= MAX_REQUIREMENTS),
    `must have at most ${MAX_REQUIREMENTS} requirements`,
  )
  @ValidateNested({ each: true })
  requirements?: RequirementInput[] | null;

  @Field(() => AssignmentPolicy, { nullable: true, description: 'default LEAST_BOOKED_DAY' })
  assignment?: AssignmentPolicy | null;
}

@ObjectType({ description: 'A further pool a booking of the service needs one resource of.' })
export class ServiceRequirement {
  @Field()
  label!: string;

  @Field(() => [Resource], { description: 'in priority order' })
  resources!: Resource[];
}

@ArgsType()
export class ResourceNameArgs {
  @Field()
  @Trimmed(1, 200)
  name!: string;
}

@InputType({ description: 'Only the fields given change.' })
export class ResourceInput {
  @Field(() => String, { nullable: true })
  @Trimmed(1, 200)
  @Printable()
  @NotNull()
  name?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'false takes it out of service: refused while future bookings hold it',
  })
  @NotNull()
  active?: boolean | null;
}

@ObjectType()
export class ServicePayload extends Payload {
  @Field(() => Service, { nullable: true })
  service: Service | null = null;
}

@ObjectType()
export class ResourcePayload extends Payload {
  @Field(() => Resource, { nullable: true })
  resource: Resource | null = null;

  @Field(() => [Booking], { description: AFFECTED })
  affectedBookings: BookingView[] = [];
}
