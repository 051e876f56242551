import { EntityName, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Unique } from '@mikro-orm/decorators/legacy';
import { changeTriggers } from '../cache/change-feed.js';
import { Resource } from '../catalog/resource.entity.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { User } from './user.entity.js';

/** A user's resource: a STAFF user works on these only. A linked resource cannot be deleted. */
@TenantScoped()
@Entity({ tableName: 'user_resource', triggers: changeTriggers('tenant_id') })
@Unique({ properties: ['user', 'resource'] })
export class UserResource extends TenantOwnedEntity {
  declare [EntityName]?: 'UserResource'; // its table, for the stores' types (db/sql.ts)
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @ManyToOne(() => Resource, { ref: true, index: true })
  resource!: Ref<Resource>;
}
