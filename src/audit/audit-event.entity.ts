import { EntityName } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { TenantScoped } from '../db/tenant-filter.js';
import { TenantOwnedEntity } from '../db/tenant-owned.entity.js';

/** Who changed what and when, written in the same transaction as the change. */
@ObjectType('AuditEvent')
@TenantScoped()
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['tenant', 'createdAt'] })
@Index({ properties: ['tenant', 'entityId'] })
export class AuditEvent extends TenantOwnedEntity<'actorId' | 'changes'> {
  declare [EntityName]?: 'AuditEvent'; // its table, for the stores' types (db/sql.ts)
  @Field({ description: 'USER, API_KEY, CUSTOMER (manage token), PLATFORM or SYSTEM' })
  @Property({ length: 16 })
  actorKind!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'the user, the API key, or the booking whose token was used',
  })
  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Field({ description: "the admin's email, the key's name, or 'customer'" })
  @Property({ length: 254 })
  actorLabel!: string;

  @Field({ description: 'e.g. booking.cancelled, service.updated, hours.weekly_set' })
  @Property({ length: 64 })
  action!: string;

  @Field()
  @Property({ length: 32 })
  entityType!: string;

  @Field(() => ID)
  @Property({ type: 'uuid' })
  entityId!: string;

  @Field(() => GraphQLJSONObject, { description: 'what changed; never customer contact details' })
  @Property({ type: 'json', nullable: true })
  changes: Record<string, unknown> | null = null;
}
