import { Migration } from '@mikro-orm/migrations';

export class Migration20261203142313_service_pools extends Migration {

  override name = 'Migration20261203142313_service_pools';

  override up(): void | Promise<void> {
    this.addSql(`create type "assignment_policy" as enum ('LEAST_BOOKED_DAY', 'PRIORITY', 'ROUND_ROBIN');`);
    this.addSql(`create table "service_resource" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "service_id" uuid not null, "resource_id" uuid not null, "requirement" smallint not null, "label" varchar(100) null, "position" smallint not null, primary key ("id"));`);
    this.addSql(`create index "service_resource_tenant_id_index" on "service_resource" ("tenant_id");`);
    this.addSql(`create index "service_resource_resource_id_index" on "service_resource" ("resource_id");`);
    this.addSql(`alter table "service_resource" add constraint "service_resource_service_id_requirement_resource_id_unique" unique ("service_id", "requirement", "resource_id");`);

    this.addSql(`alter table "service" add "assignment" "assignment_policy" not null default 'LEAST_BOOKED_DAY';`);
    // Added by hand to the generated migration: each service's resource becomes its pool of one.
    this.addSql(`insert into "service_resource" ("id", "created_at", "updated_at", "tenant_id", "service_id", "resource_id", "requirement", "label", "position") select gen_random_uuid(), now(), now(), "tenant_id", "id", "resource_id", 0, null, 0 from "service";`);

    this.addSql(`alter table "service_resource" add constraint "service_resource_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "service_resource" add constraint "service_resource_service_id_foreign" foreign key ("service_id") references "service" ("id") on delete cascade;`);
    this.addSql(`alter table "service_resource" add constraint "service_resource_resource_id_foreign" foreign key ("resource_id") references "resource" ("id");`);
    this.addSql(`create or replace function "service_resource_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "service_resource" for each ROW execute function "service_resource_notify_change_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "notify_change" on "service_resource";`);
    this.addSql(`drop function if exists "service_resource_notify_change_fn"();`);
    this.addSql(`drop table if exists "service_resource" cascade;`);

    this.addSql(`alter table "service" drop column "assignment";`);

    this.addSql(`drop type "assignment_policy";`);
  }

}
