import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { Role } from './role.js';

/** A tenant's API key. The secret is shown once; only its SHA-256 is stored. */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'api_key' })
export class ApiKey extends TenantOwnedEntity<'lastUsedAt' | 'revokedAt'> {
  @Field()
  @Property({ length: 100 })
  name!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role!: Role;

  /** The first characters of the secret, shown so that keys can be told apart. */
  @Field()
  @Property({ length: 16 })
  prefix!: string;

  @Property({ length: 64, unique: true })
  secretHash!: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
