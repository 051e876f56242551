import { EntityName } from '@mikro-orm/core';
import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { changeTriggers } from '../cache/change-feed.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';
import type { WeekdayWindow } from '../scheduling/local-time.js';

/** What a booking occupies: a person, a room, a chair. */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'resource', triggers: changeTriggers('tenant_id') })
export class Resource extends TenantOwnedEntity<'active' | 'weeklyPattern'> {
  declare [EntityName]?: 'Resource'; // its table, for the stores' types (db/sql.ts)
  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field()
  @Property({ default: true })
  active: boolean = true;

  /** The weekly opening pattern, merged and sorted, read and replaced whole with the row. */
  @Property({ type: 'json', defaultRaw: `'[]'` })
  weeklyPattern: WeekdayWindow[] = [];
}
