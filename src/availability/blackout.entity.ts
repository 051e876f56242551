import { EntityName, type Ref } from '@mikro-orm/core';
import { Check, Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { changeTriggers } from '../cache/change-feed.js';
import { Resource } from '../catalog/resource.entity.js';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';

/** An instant range [startsAt, endsAt) when a resource, or every one (null), takes no bookings. */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'blackout', triggers: changeTriggers('tenant_id') })
@Check({ name: 'blackout_ends_after_start', expression: 'ends_at > starts_at' })
@Index({ properties: ['tenant', 'startsAt'] })
export class Blackout extends TenantOwnedEntity<'resource' | 'reason'> {
  declare [EntityName]?: 'Blackout'; // its table, for the stores' types (db/sql.ts)
  @ManyToOne(() => Resource, { ref: true, nullable: true, deleteRule: 'cascade', index: true })
  resource: Ref<Resource> | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  reason: string | null = null;
}
