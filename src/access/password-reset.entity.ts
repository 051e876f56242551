import { EntityName, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { User } from './user.entity.js';

/** A requested password reset; only the SHA-256 of its one-time token is stored. */
@TenantScoped()
@Entity({ tableName: 'password_reset' })
export class PasswordReset extends TenantOwnedEntity<'usedAt'> {
  declare [EntityName]?: 'PasswordReset'; // its table, for the stores' types (db/sql.ts)
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: true })
  user!: Ref<User>;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: Date | null = null;
}
