import { EntityName } from '@mikro-orm/core';
import { Entity, Enum, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { changeTriggers } from '../cache/change-feed.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { EmailAddressScalar } from '../graphql/scalars.js';
import { Role } from './role.js';

/** A user of one tenant who signs in. The email is unique within the tenant, stored lower-case. */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'app_user', triggers: changeTriggers('tenant_id') })
@Unique({ properties: ['tenant', 'email'] })
export class User extends TenantOwnedEntity<'role' | 'name' | 'active' | 'lastSignInAt'> {
  declare [EntityName]?: 'AppUser'; // its table, for the stores' types (db/sql.ts)
  @Field(() => EmailAddressScalar)
  @Property({ length: 254 })
  email!: string;

  @Field(() => String, { nullable: true, description: 'null for an admin made with the tenant' })
  @Property({ length: 200, nullable: true })
  name: string | null = null;

  /** Argon2id PHC string. */
  @Property({ type: 'text', lazy: true })
  passwordHash!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role: Role = Role.ADMIN;

  @Field({ description: 'an inactive user cannot sign in' })
  @Property({ default: true })
  active: boolean = true;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastSignInAt: Date | null = null;
}
