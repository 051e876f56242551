import { Migration } from '@mikro-orm/migrations';

export class Migration20261124080116_audit extends Migration {

  override name = 'Migration20261124080116_audit';

  override up(): void | Promise<void> {
    this.addSql(`create table "audit_event" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "actor_kind" varchar(16) not null, "actor_id" uuid null, "actor_label" varchar(254) not null, "action" varchar(64) not null, "entity_type" varchar(32) not null, "entity_id" uuid not null, "changes" jsonb null, primary key ("id"));`);
    this.addSql(`create index "audit_event_tenant_id_index" on "audit_event" ("tenant_id");`);
    this.addSql(`create index "audit_event_tenant_id_entity_id_index" on "audit_event" ("tenant_id", "entity_id");`);
    this.addSql(`create index "audit_event_tenant_id_created_at_index" on "audit_event" ("tenant_id", "created_at");`);

    this.addSql(`alter table "audit_event" add constraint "audit_event_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_event" cascade;`);
  }

}
