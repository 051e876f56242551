import { EntityName, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { changeTriggers } from '../cache/change-feed.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { User } from './user.entity.js';

/** A login session. Only the SHA-256 of its opaque token is stored. */
@TenantScoped()
@Entity({ tableName: 'session', triggers: changeTriggers('tenant_id') })
export class Session extends TenantOwnedEntity<'revokedAt'> {
  declare [EntityName]?: 'Session'; // its table, for the stores' types (db/sql.ts)
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: true })
  user!: Ref<User>;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
