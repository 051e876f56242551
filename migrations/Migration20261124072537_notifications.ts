import { Migration } from '@mikro-orm/migrations';

export class Migration20261124072537_notifications extends Migration {

  override name = 'Migration20261124072537_notifications';

  override up(): void | Promise<void> {
    this.addSql(`create type "notification_status" as enum ('QUEUED', 'SENT', 'FAILED', 'SKIPPED');`);
    this.addSql(`create table "notification" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "booking_id" uuid null, "kind" varchar(64) not null, "recipient" varchar(254) not null, "status" "notification_status" not null default 'QUEUED', "attempts" int not null default 0, "last_error" text null, "sent_at" timestamptz null, "payload" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "notification_tenant_id_index" on "notification" ("tenant_id");`);
    this.addSql(`create index "notification_booking_id_index" on "notification" ("booking_id");`);
    this.addSql(`create index "notification_tenant_id_created_at_index" on "notification" ("tenant_id", "created_at");`);

    this.addSql(`alter table "tenant" add "email_enabled" boolean not null default true;`);

    this.addSql(`alter table "booking" add "sequence" int not null default 0;`);

    this.addSql(`alter table "notification" add constraint "notification_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "notification" add constraint "notification_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "notification" cascade;`);

    this.addSql(`alter table "booking" drop column "sequence";`);

    this.addSql(`alter table "tenant" drop column "email_enabled";`);

    this.addSql(`drop type "notification_status";`);
  }

}
