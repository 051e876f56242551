import type { Ref } from '@mikro-orm/core';
import { ManyToOne } from '@mikro-orm/decorators/legacy';
import { ObjectType } from 'type-graphql';
import { Tenant } from '../tenancy/tenant.entity.js';
import { BaseEntity } from './base.entity.js';

@ObjectType() // for TypeGraphQL's field inheritance, like BaseEntity
/** Base of every entity that belongs to one tenant. Subclasses also carry `@TenantScoped()`. */
export abstract class TenantOwnedEntity<
  Optional extends string = never,
> extends BaseEntity<Optional> {
  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade', index: true })
  tenant!: Ref<Tenant>;
}
