import { EntityName, type Ref } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { DateTimeScalar, EmailAddressScalar } from '../graphql/scalars.js';
import { Role } from './role.js';
import { User } from './user.entity.js';

/** An email invited to become a user; only the SHA-256 of its one-time token is stored. */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'invitation' })
export class Invitation extends TenantOwnedEntity<'acceptedAt' | 'revokedAt' | 'invitedBy'> {
  declare [EntityName]?: 'Invitation'; // its table, for the stores' types (db/sql.ts)
  @Field(() => EmailAddressScalar)
  @Property({ length: 254 })
  email!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role!: Role;

  /** The resources the user will be linked to (ids; a deleted one is dropped on acceptance). */
  @Property({ type: 'json' })
  resourceIds!: string[];

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Field(() => DateTimeScalar)
  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null = null;

  /** Revoked by an admin, or replaced by a newer invitation of the same email. */
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  invitedBy: Ref<User> | null = null;
}
