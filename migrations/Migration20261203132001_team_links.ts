import { Migration } from '@mikro-orm/migrations';

export class Migration20261203132001_team_links extends Migration {

  override name = 'Migration20261203132001_team_links';

  override up(): void | Promise<void> {
    this.addSql(`create table "password_reset" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "user_id" uuid not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "password_reset_tenant_id_index" on "password_reset" ("tenant_id");`);
    this.addSql(`create index "password_reset_user_id_index" on "password_reset" ("user_id");`);
    this.addSql(`alter table "password_reset" add constraint "password_reset_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "invitation" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "email" varchar(254) not null, "role" "role" not null, "resource_ids" jsonb not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "accepted_at" timestamptz null, "revoked_at" timestamptz null, "invited_by_id" uuid null, primary key ("id"));`);
    this.addSql(`create index "invitation_tenant_id_index" on "invitation" ("tenant_id");`);
    this.addSql(`alter table "invitation" add constraint "invitation_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "user_resource" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "user_id" uuid not null, "resource_id" uuid not null, primary key ("id"));`);
    this.addSql(`create index "user_resource_tenant_id_index" on "user_resource" ("tenant_id");`);
    this.addSql(`create index "user_resource_resource_id_index" on "user_resource" ("resource_id");`);
    this.addSql(`alter table "user_resource" add constraint "user_resource_user_id_resource_id_unique" unique ("user_id", "resource_id");`);

    this.addSql(`alter table "password_reset" add constraint "password_reset_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "password_reset" add constraint "password_reset_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);

    this.addSql(`alter table "invitation" add constraint "invitation_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "invitation" add constraint "invitation_invited_by_id_foreign" foreign key ("invited_by_id") references "app_user" ("id") on delete set null;`);

    this.addSql(`alter table "user_resource" add constraint "user_resource_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "user_resource" add constraint "user_resource_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "user_resource" add constraint "user_resource_resource_id_foreign" foreign key ("resource_id") references "resource" ("id");`);
    this.addSql(`create or replace function "user_resource_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "user_resource" for each ROW execute function "user_resource_notify_change_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "password_reset" cascade;`);
    this.addSql(`drop table if exists "invitation" cascade;`);
    this.addSql(`drop trigger if exists "notify_change" on "user_resource";`);
    this.addSql(`drop function if exists "user_resource_notify_change_fn"();`);
    this.addSql(`drop table if exists "user_resource" cascade;`);
  }

}
