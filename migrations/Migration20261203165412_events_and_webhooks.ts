import { Migration } from '@mikro-orm/migrations';

export class Migration20261203165412_events_and_webhooks extends Migration {

  override name = 'Migration20261203165412_events_and_webhooks';

  override up(): void | Promise<void> {
    this.addSql(`create type "booking_event_type" as enum ('CREATED', 'CONFIRMED', 'CANCELLED', 'RESCHEDULED', 'COMPLETED', 'NO_SHOW', 'DETAILS_UPDATED');`);
    this.addSql(`create type "webhook_payload" as enum ('FULL', 'IDS_ONLY');`);
    this.addSql(`create type "webhook_delivery_status" as enum ('PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED');`);
    this.addSql(`create table "booking_event" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "booking_id" uuid not null, "service_id" uuid not null, "type" "booking_event_type" not null, "sequence" int not null, "actor_kind" varchar(16) not null, "resource_ids" jsonb not null, "data" jsonb not null, "xid" xid8 not null default pg_current_xact_id(), "position" bigserial, primary key ("id"));`);
    this.addSql(`create index "booking_event_tenant_id_index" on "booking_event" ("tenant_id");`);
    this.addSql(`create index "booking_event_tenant_id_xid_position_index" on "booking_event" ("tenant_id", "xid", "position");`);
    this.addSql(`alter table "booking_event" add constraint "booking_event_booking_id_sequence_unique" unique ("booking_id", "sequence");`);

    this.addSql(`create table "webhook_endpoint" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "url" text not null, "events" jsonb not null, "service_ids" jsonb not null, "payload" "webhook_payload" not null, "secret_sealed" text not null, "previous_secret_sealed" text null, "previous_secret_until" timestamptz null, "active" boolean not null default true, "paused_at" timestamptz null, "pause_reason" text null, primary key ("id"));`);
    this.addSql(`create index "webhook_endpoint_tenant_id_index" on "webhook_endpoint" ("tenant_id");`);

    this.addSql(`create table "webhook_delivery" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "endpoint_id" uuid not null, "message_id" uuid not null, "event_id" uuid null, "booking_id" uuid null, "type" varchar(40) not null, "body" jsonb not null, "status" "webhook_delivery_status" not null default 'PENDING', "attempt_count" int not null default 0, "next_attempt_at" timestamptz not null, "failures" int not null default 0, "first_failed_at" timestamptz null, "last_attempt_at" timestamptz null, "last_status_code" int null, "last_error" text null, "delivered_at" timestamptz null, "claimed_until" timestamptz null, "position" bigserial, primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_tenant_id_index" on "webhook_delivery" ("tenant_id");`);
    this.addSql(`create index "webhook_delivery_endpoint_id_position_index" on "webhook_delivery" ("endpoint_id", "position");`);
    this.addSql(`create index "webhook_delivery_open_index" on "webhook_delivery" ("endpoint_id", "booking_id", "position") where status in ('PENDING', 'RETRYING');`);

    this.addSql(`create table "webhook_attempt" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "delivery_id" uuid not null, "status_code" int null, "latency_ms" int not null, "error" text null, "succeeded" boolean not null, primary key ("id"));`);
    this.addSql(`create index "webhook_attempt_tenant_id_index" on "webhook_attempt" ("tenant_id");`);
    this.addSql(`create index "webhook_attempt_delivery_id_index" on "webhook_attempt" ("delivery_id");`);

    this.addSql(`create index "booking_tenant_id_updated_at_index" on "booking" ("tenant_id", "updated_at");`);

    this.addSql(`alter table "booking_event" add constraint "booking_event_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`create or replace function "booking_event_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "booking_event" for each ROW execute function "booking_event_notify_change_fn"();`);

    this.addSql(`alter table "webhook_endpoint" add constraint "webhook_endpoint_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on delete cascade;`);

    this.addSql(`alter table "webhook_attempt" add constraint "webhook_attempt_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_attempt" add constraint "webhook_attempt_delivery_id_foreign" foreign key ("delivery_id") references "webhook_delivery" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_endpoint_id_foreign";`);
    this.addSql(`alter table "webhook_attempt" drop constraint "webhook_attempt_delivery_id_foreign";`);

    this.addSql(`drop trigger if exists "notify_change" on "booking_event";`);
    this.addSql(`drop function if exists "booking_event_notify_change_fn"();`);
    this.addSql(`drop table if exists "booking_event" cascade;`);
    this.addSql(`drop table if exists "webhook_endpoint" cascade;`);
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
    this.addSql(`drop table if exists "webhook_attempt" cascade;`);

    this.addSql(`drop index "booking_tenant_id_updated_at_index";`);

    this.addSql(`drop type "booking_event_type";`);
    this.addSql(`drop type "webhook_payload";`);
    this.addSql(`drop type "webhook_delivery_status";`);
  }

}
