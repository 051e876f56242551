import { EntityName, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { changeTriggers } from '../cache/change-feed.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import { Resource } from './resource.entity.js';
import { Service } from './service.entity.js';

/**
 * A resource a service can use: a member of its pool (`requirement` 0), or of one of its
 * requirements (1, 2, ...: a room, a chair), in priority order (`position`).
 */
@TenantScoped()
@Entity({ tableName: 'service_resource', triggers: changeTriggers('tenant_id') })
@Unique({ properties: ['service', 'requirement', 'resource'] })
export class ServiceResource extends TenantOwnedEntity<'label'> {
  declare [EntityName]?: 'ServiceResource'; // its table, for the stores' types (db/sql.ts)
  @ManyToOne(() => Service, { ref: true, deleteRule: 'cascade' })
  service!: Ref<Service>;

  @ManyToOne(() => Resource, { ref: true, index: true })
  resource!: Ref<Resource>;

  /** 0: the pool; n: the service's n-th requirement. */
  @Property({ type: 'smallint' })
  requirement!: number;

  /** The requirement's name ("Room"); null in the pool. */
  @Property({ length: 100, nullable: true })
  label: string | null = null;

  @Property({ type: 'smallint' })
  position!: number;
}
