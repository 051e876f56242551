import { Migration } from '@mikro-orm/migrations';

export class Migration20261124064917_initial extends Migration {

  override name = 'Migration20261124064917_initial';

  override up(): void | Promise<void> {
    this.addSql(`create type "role" as enum ('ADMIN', 'PARTNER');`);
    this.addSql(`create table "tenant" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "slug" varchar(63) not null, "name" varchar(200) not null, "subdomain" varchar(63) null, "time_zone" varchar(64) not null, "email" varchar(254) not null, "phone" varchar(40) null, "active" boolean not null default true, "minimum_notice_minutes" int not null default 60, "max_advance_days" int not null default 90, "cancellation_notice_minutes" int not null default 1440, "allowed_origins" text[] not null default '{}', primary key ("id"));`);
    this.addSql(`alter table "tenant" add constraint "tenant_slug_unique" unique ("slug");`);
    this.addSql(`alter table "tenant" add constraint "tenant_subdomain_unique" unique ("subdomain");`);

    this.addSql(`create table "resource" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "name" varchar(200) not null, "active" boolean not null default true, primary key ("id"));`);
    this.addSql(`create index "resource_tenant_id_index" on "resource" ("tenant_id");`);

    this.addSql(`create table "service" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "name" varchar(200) not null, "description" text null, "duration_minutes" int not null, "slot_interval_minutes" int null, "buffer_before_minutes" int not null default 0, "buffer_after_minutes" int not null default 0, "capacity" int not null default 1, "price_minor" int null, "currency" varchar(3) null, "requires_confirmation" boolean not null default false, "minimum_notice_minutes" int null, "max_advance_days" int null, "active" boolean not null default true, "resource_id" uuid not null, primary key ("id"));`);
    this.addSql(`create index "service_tenant_id_index" on "service" ("tenant_id");`);
    this.addSql(`create index "service_resource_id_index" on "service" ("resource_id");`);

    this.addSql(`create table "api_key" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "name" varchar(100) not null, "role" "role" not null, "prefix" varchar(16) not null, "secret_hash" varchar(64) not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "api_key_tenant_id_index" on "api_key" ("tenant_id");`);
    this.addSql(`alter table "api_key" add constraint "api_key_secret_hash_unique" unique ("secret_hash");`);

    this.addSql(`create table "app_user" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "email" varchar(254) not null, "password_hash" text not null, "role" "role" not null default 'ADMIN', primary key ("id"));`);
    this.addSql(`create index "app_user_tenant_id_index" on "app_user" ("tenant_id");`);
    this.addSql(`alter table "app_user" add constraint "app_user_tenant_id_email_unique" unique ("tenant_id", "email");`);

    this.addSql(`create table "session" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "user_id" uuid not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "session_tenant_id_index" on "session" ("tenant_id");`);
    this.addSql(`create index "session_user_id_index" on "session" ("user_id");`);
    this.addSql(`alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`);

    this.addSql(`alter table "resource" add constraint "resource_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "service" add constraint "service_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "service" add constraint "service_resource_id_foreign" foreign key ("resource_id") references "resource" ("id");`);

    this.addSql(`alter table "api_key" add constraint "api_key_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "app_user" add constraint "app_user_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "session" add constraint "session_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "session" add constraint "session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "resource" drop constraint "resource_tenant_id_foreign";`);
    this.addSql(`alter table "service" drop constraint "service_tenant_id_foreign";`);
    this.addSql(`alter table "api_key" drop constraint "api_key_tenant_id_foreign";`);
    this.addSql(`alter table "app_user" drop constraint "app_user_tenant_id_foreign";`);
    this.addSql(`alter table "session" drop constraint "session_tenant_id_foreign";`);
    this.addSql(`alter table "service" drop constraint "service_resource_id_foreign";`);
    this.addSql(`alter table "session" drop constraint "session_user_id_foreign";`);

    this.addSql(`drop table if exists "tenant" cascade;`);
    this.addSql(`drop table if exists "resource" cascade;`);
    this.addSql(`drop table if exists "service" cascade;`);
    this.addSql(`drop table if exists "api_key" cascade;`);
    this.addSql(`drop table if exists "app_user" cascade;`);
    this.addSql(`drop table if exists "session" cascade;`);

    this.addSql(`drop type "role";`);
  }

}
