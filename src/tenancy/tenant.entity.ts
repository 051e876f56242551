import { ArrayType } from '@mikro-orm/core';
import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { changeTriggers } from '../cache/change-feed.js';
import { BaseEntity } from '../db/base.entity.js';
import { EmailAddressScalar, TimeZoneScalar } from '../graphql/scalars.js';

/** Defaults for a new tenant's booking policy (docs/DOMAIN_DECISIONS.md). */
const TENANT_DEFAULTS = {
  minimumNoticeMinutes: 60,
  maxAdvanceDays: 90,
  cancellationNoticeMinutes: 24 * 60,
} as const;

/** One business. Not tenant-scoped itself: it is the scope. */
@ObjectType()
@Entity({ tableName: 'tenant', triggers: changeTriggers('id') })
export class Tenant extends BaseEntity<
  | 'subdomain'
  | 'phone'
  | 'address'
  | 'locale'
  | 'active'
  | 'minimumNoticeMinutes'
  | 'maxAdvanceDays'
  | 'cancellationNoticeMinutes'
  | 'allowedOrigins'
  | 'emailEnabled'
> {
  @Field()
  @Property({ length: 63, unique: true })
  slug!: string;

  @Field()
  @Property({ length: 200 })
  name!: string;

  /** Host label under BASE_DOMAIN; defaults to the slug. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 63, nullable: true, unique: true })
  subdomain: string | null = null;

  @Field(() => TimeZoneScalar)
  @Property({ length: 64 })
  timeZone!: string;

  @Field(() => EmailAddressScalar)
  @Property({ length: 254 })
  email!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 40, nullable: true })
  phone: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: "The business's address, as customers' email shows it.",
  })
  @Property({ type: 'string', length: 300, nullable: true })
  address: string | null = null;

  @Field({
    description:
      "The business's language (BCP 47, of en, de, fr, es): its own email, and its customers' when they gave no language the messages are written in.",
  })
  @Property({ length: 35, default: 'en' })
  locale: string = 'en';

  @Field()
  @Property({ default: true })
  active: boolean = true;

  @Field(() => Int)
  @Property({ default: TENANT_DEFAULTS.minimumNoticeMinutes })
  minimumNoticeMinutes: number = TENANT_DEFAULTS.minimumNoticeMinutes;

  @Field(() => Int)
  @Property({ default: TENANT_DEFAULTS.maxAdvanceDays })
  maxAdvanceDays: number = TENANT_DEFAULTS.maxAdvanceDays;

  @Field(() => Int)
  @Property({ default: TENANT_DEFAULTS.cancellationNoticeMinutes })
  cancellationNoticeMinutes: number = TENANT_DEFAULTS.cancellationNoticeMinutes;

  @Field({
    description:
      "Email notifications for this tenant's bookings; when off they are recorded as SKIPPED.",
  })
  @Property({ default: true })
  emailEnabled: boolean = true;

  @Field(() => [String])
  @Property({ type: ArrayType, defaultRaw: "'{}'" })
  allowedOrigins: string[] = [];
}
