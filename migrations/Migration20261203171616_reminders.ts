import { Migration } from '@mikro-orm/migrations';

export class Migration20261203171616_reminders extends Migration {

  override name = 'Migration20261203171616_reminders';

  override up(): void | Promise<void> {
    this.addSql(`create type "reminder_recipient" as enum ('CUSTOMER', 'BUSINESS', 'STAFF');`);
    this.addSql(`create table "reminder_rule" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "offset_minutes" int not null, "recipient" "reminder_recipient" not null, "service_ids" jsonb not null, "active" boolean not null default true, primary key ("id"));`);
    this.addSql(`create index "reminder_rule_tenant_id_index" on "reminder_rule" ("tenant_id");`);

    this.addSql(`alter type "notification_status" add value if not exists 'SCHEDULED' before 'QUEUED';`);
    this.addSql(`alter table "notification" add "send_at" timestamptz null;`);
    this.addSql(`create index "notification_status_send_at_index" on "notification" ("status", "send_at");`);

    this.addSql(`alter table "reminder_rule" add constraint "reminder_rule_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    // Added by hand to the generated migration: every existing business gets the rule a new
    // one starts with (the customer, 24 hours before). Bookings made before keep no reminders.
    this.addSql(`insert into "reminder_rule" ("id", "created_at", "updated_at", "tenant_id", "offset_minutes", "recipient", "service_ids", "active") select gen_random_uuid(), now(), now(), "id", 1440, 'CUSTOMER', '[]'::jsonb, true from "tenant";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "reminder_rule" cascade;`);

    this.addSql(`drop index "notification_status_send_at_index";`);
    this.addSql(`alter table "notification" drop column "send_at";`);

    this.addSql(`drop type "reminder_recipient";`);
  }

}
