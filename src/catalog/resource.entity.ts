import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';

/** What a booking occupies: a person, a room, a chair. */
@ObjectType()
@TenantScoped()
@Entity({ tableName: 'resource' })
export class Resource extends TenantOwnedEntity<'active'> {
  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field()
  @Property({ default: true })
  active: boolean = true;
}
