import { EntityName } from '@mikro-orm/core';
import { Entity, Enum, Property, Unique } from '@mikro-orm/decorators/legacy';
import { changeTriggers } from '../cache/change-feed.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { Role } from './role.js';

/** An admin user of one tenant. The email is unique within the tenant, stored lower-case. */
@TenantScoped()
@Entity({ tableName: 'app_user', triggers: changeTriggers('tenant_id') })
@Unique({ properties: ['tenant', 'email'] })
export class User extends TenantOwnedEntity<'role'> {
  declare [EntityName]?: 'AppUser'; // its table, for the stores' types (db/sql.ts)
  @Property({ length: 254 })
  email!: string;

  /** Argon2id PHC string. */
  @Property({ type: 'text', lazy: true })
  passwordHash!: string;

  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role: Role = Role.ADMIN;
}
