import { Migration } from '@mikro-orm/migrations';

export class Migration20261124070209_availability extends Migration {

  override name = 'Migration20261124070209_availability';

  override up(): void | Promise<void> {
    // Added by hand to the generated migration: the booking_no_overlap exclusion constraint
    // compares uuids with = in a GiST index, which needs btree_gist (a trusted extension).
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(`create type "booking_status" as enum ('PENDING', 'CONFIRMED', 'CANCELLED', 'COMPLETED', 'NO_SHOW');`);
    this.addSql(`create table "date_override" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "resource_id" uuid not null, "date" date not null, "windows" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "date_override_tenant_id_index" on "date_override" ("tenant_id");`);
    this.addSql(`alter table "date_override" add constraint "date_override_resource_id_date_unique" unique ("resource_id", "date");`);

    this.addSql(`create table "booking" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "reference" varchar(16) not null, "service_id" uuid not null, "resource_id" uuid not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "occupied_start" timestamptz not null, "occupied_end" timestamptz not null, "session_key" uuid not null, "status" "booking_status" not null default 'CONFIRMED', "seats" int not null default 1, "customer_name" varchar(200) not null, "customer_email" varchar(254) not null, "customer_phone" varchar(40) null, "notes" text null, "cancelled_at" timestamptz null, "cancellation_reason" text null, "manage_token_hash" varchar(64) null, "idempotency_key" varchar(200) null, "request_fingerprint" varchar(64) null, primary key ("id"));`);
    this.addSql(`create index "booking_tenant_id_index" on "booking" ("tenant_id");`);
    this.addSql(`create index "booking_service_id_index" on "booking" ("service_id");`);
    this.addSql(`alter table "booking" add constraint "booking_manage_token_hash_unique" unique ("manage_token_hash");`);
    this.addSql(`create index "booking_tenant_id_starts_at_id_index" on "booking" ("tenant_id", "starts_at", "id");`);
    this.addSql(`create index "booking_resource_id_occupied_start_index" on "booking" ("resource_id", "occupied_start");`);
    this.addSql(`alter table "booking" add constraint "booking_tenant_id_idempotency_key_unique" unique ("tenant_id", "idempotency_key");`);
    this.addSql(`alter table "booking" add constraint "booking_tenant_id_reference_unique" unique ("tenant_id", "reference");`);

    this.addSql(`create table "blackout" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "resource_id" uuid null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "reason" varchar(500) null, primary key ("id"));`);
    this.addSql(`create index "blackout_tenant_id_index" on "blackout" ("tenant_id");`);
    this.addSql(`create index "blackout_resource_id_index" on "blackout" ("resource_id");`);
    this.addSql(`create index "blackout_tenant_id_starts_at_index" on "blackout" ("tenant_id", "starts_at");`);

    this.addSql(`alter table "resource" add "weekly_pattern" jsonb not null default '[]';`);

    this.addSql(`alter table "date_override" add constraint "date_override_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "date_override" add constraint "date_override_resource_id_foreign" foreign key ("resource_id") references "resource" ("id") on delete cascade;`);

    this.addSql(`alter table "booking" add constraint "booking_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "booking" add constraint "booking_service_id_foreign" foreign key ("service_id") references "service" ("id");`);
    this.addSql(`alter table "booking" add constraint "booking_resource_id_foreign" foreign key ("resource_id") references "resource" ("id");`);
    this.addSql(`alter table "booking" add constraint "booking_seats_positive" check (seats >= 1);`);
    this.addSql(`alter table "booking" add constraint "booking_ends_after_start" check (ends_at > starts_at);`);
    this.addSql(`alter table "booking" add constraint "booking_no_overlap" EXCLUDE USING gist (resource_id WITH =, tstzrange(occupied_start, occupied_end) WITH &&, session_key WITH <>) WHERE ((status = ANY (ARRAY['PENDING'::booking_status, 'CONFIRMED'::booking_status, 'COMPLETED'::booking_status, 'NO_SHOW'::booking_status])));`);

    this.addSql(`alter table "blackout" add constraint "blackout_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "blackout" add constraint "blackout_resource_id_foreign" foreign key ("resource_id") references "resource" ("id") on delete cascade;`);
    this.addSql(`alter table "blackout" add constraint "blackout_ends_after_start" check (ends_at > starts_at);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "date_override" cascade;`);
    this.addSql(`drop table if exists "booking" cascade;`);
    this.addSql(`drop table if exists "blackout" cascade;`);

    this.addSql(`alter table "resource" drop column "weekly_pattern";`);

    this.addSql(`drop type "booking_status";`);
  }

}
