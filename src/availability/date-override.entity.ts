import { EntityName, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { changeTriggers } from '../cache/change-feed.js';
import { Resource } from '../catalog/resource.entity.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import type { MinuteWindow } from '../scheduling/local-time.js';

/** The windows of one local date, replacing the weekly ones; an empty list closes the day. */
@TenantScoped()
@Entity({ tableName: 'date_override', triggers: changeTriggers('tenant_id') })
@Unique({ properties: ['resource', 'date'] })
export class DateOverride extends TenantOwnedEntity {
  declare [EntityName]?: 'DateOverride'; // its table, for the stores' types (db/sql.ts)
  @ManyToOne(() => Resource, { ref: true, deleteRule: 'cascade' })
  resource!: Ref<Resource>;

  /** Local date, YYYY-MM-DD. */
  @Property({ type: 'date' })
  date!: string;

  /** Merged and sorted, minutes since local midnight. */
  @Property({ type: 'json' })
  windows!: MinuteWindow[];
}
