import {
  ArrayMaxSize,
  IsNotIn,
  IsOptional,
  Length,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { PASSWORD_MIN_LENGTH } from '../access/access.types.js';
import { EmailAddressScalar, TimeZoneScalar } from '../graphql/scalars.js';
import { Payload } from '../shared/errors.js';
import { EachItem, LanguageTag, NotNull, Printable, Trimmed, Whole } from '../shared/validation.js';
import { normalizeOrigin } from './origins.js';
import { Tenant } from './tenant.entity.js';
import { RESERVED_LABELS, SLUG_PATTERN } from './tenant-sources.js';

const SLUG_MESSAGE =
  'must be 1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen';

const RESERVED_MESSAGE = `must not be one of the platform's own host names (${[
  ...RESERVED_LABELS,
].join(', ')}): such a subdomain would name no tenant`;

@InputType()
export class CreateTenantInput {
  @Field()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  slug!: string;

  @Field()
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name!: string;

  @Field(() => TimeZoneScalar)
  timeZone!: string;

  @Field(() => EmailAddressScalar)
  @MaxLength(254)
  email!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Host label under BASE_DOMAIN; defaults to the slug.',
  })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  @IsNotIn([...RESERVED_LABELS], { message: RESERVED_MESSAGE })
  subdomain?: string | null;

  @Field(() => EmailAddressScalar)
  @MaxLength(254)
  adminEmail!: string;

  @Field()
  @MinLength(PASSWORD_MIN_LENGTH, {
    message: `must be at least ${PASSWORD_MIN_LENGTH} characters`,
  })
  @MaxLength(256)
  adminPassword!: string;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateTenantInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  @NotNull()
  name?: string | null;

  @Field(() => TimeZoneScalar, { nullable: true })
  @NotNull()
  timeZone?: string | null;

  @Field(() => EmailAddressScalar, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  @NotNull()
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Empty string clears the phone number.' })
  @IsOptional()
  @Matches(/^$|^\+?[0-9 ()\-.]{3,40}$/, {
    message: 'must be a phone number (digits, spaces, + ( ) - .)',
  })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Empty string clears the address.' })
  @Trimmed(0, 300)
  @Printable()
  address?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'BCP 47 language tag of a language the messages are written in: en, de, fr, es.',
  })
  @LanguageTag(true)
  @NotNull()
  locale?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  @IsNotIn([...RESERVED_LABELS], { message: RESERVED_MESSAGE })
  @NotNull()
  subdomain?: string | null;

  @Field(() => Int, { nullable: true })
  @Whole(0, 60 * 24 * 365)
  @NotNull()
  minimumNoticeMinutes?: number | null;

  @Field(() => Int, { nullable: true })
  @Whole(1, 3650)
  @NotNull()
  maxAdvanceDays?: number | null;

  @Field(() => Int, { nullable: true })
  @Whole(0, 60 * 24 * 365)
  @NotNull()
  cancellationNoticeMinutes?: number | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Browser origins, e.g. https://www.acme.com',
  })
  @IsOptional()
  @ArrayMaxSize(50)
  @EachItem(
    'isOrigin',
    (item) => normalizeOrigin(String(item)) !== null,
    'must be an origin like https://www.example.com',
  )
  @NotNull()
  allowedOrigins?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Send email notifications for this tenant.',
  })
  @IsOptional()
  @NotNull()
  emailEnabled?: boolean | null;
}

@ObjectType()
export class CreateTenantPayload extends Payload {
  @Field(() => Tenant, { nullable: true })
  tenant: Tenant | null = null;
}

@ObjectType()
export class TenantPayload extends Payload {
  @Field(() => Tenant, { nullable: true })
  tenant: Tenant | null = null;
}
