import { Migration } from '@mikro-orm/migrations';

export class Migration20261203140208_booking_resources extends Migration {

  override name = 'Migration20261203140208_booking_resources';

  override up(): void | Promise<void> {
    this.addSql(`create table "booking_resource" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "booking_id" uuid not null, "resource_id" uuid not null, "occupied_start" timestamptz not null, "occupied_end" timestamptz not null, "session_key" uuid not null, "active" boolean not null, primary key ("id"));`);
    this.addSql(`create index "booking_resource_tenant_id_index" on "booking_resource" ("tenant_id");`);
    this.addSql(`alter table "booking_resource" add constraint "booking_resource_booking_id_resource_id_unique" unique ("booking_id", "resource_id");`);

    // Added by hand to the generated migration: every booking's occupancy of its resource, as
    // the occupy trigger writes it from now on (the old constraint kept them from overlapping).
    this.addSql(`insert into "booking_resource" ("id", "created_at", "updated_at", "tenant_id", "booking_id", "resource_id", "occupied_start", "occupied_end", "session_key", "active") select gen_random_uuid(), now(), now(), "tenant_id", "id", "resource_id", "occupied_start", "occupied_end", "session_key", "status" <> 'CANCELLED' from "booking";`);

    this.addSql(`alter table "booking" drop constraint "booking_no_overlap";`);
    this.addSql(`create or replace function "booking_occupy_fn"() returns trigger as \$\$ begin if tg_op = 'INSERT' then
    insert into booking_resource (id, created_at, updated_at, tenant_id, booking_id, resource_id, occupied_start, occupied_end, session_key, active)
    values (gen_random_uuid(), now(), now(), new.tenant_id, new.id, new.resource_id, new.occupied_start, new.occupied_end, new.session_key, new.status <> 'CANCELLED');   elsif (new.resource_id, new.occupied_start, new.occupied_end, new.session_key, new.status)
      is distinct from (old.resource_id, old.occupied_start, old.occupied_end, old.session_key, old.status) then
    update booking_resource set resource_id = new.resource_id, updated_at = now()
      where booking_id = new.id and resource_id = old.resource_id and new.resource_id <> old.resource_id;     update booking_resource set occupied_start = new.occupied_start, occupied_end = new.occupied_end,
      session_key = new.session_key, active = new.status <> 'CANCELLED', updated_at = now()
      where booking_id = new.id;   end if;   return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "occupy" AFTER INSERT OR UPDATE on "booking" for each ROW execute function "booking_occupy_fn"();`);

    this.addSql(`alter table "booking_resource" add constraint "booking_resource_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "booking_resource" add constraint "booking_resource_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on delete cascade;`);
    this.addSql(`alter table "booking_resource" add constraint "booking_resource_resource_id_foreign" foreign key ("resource_id") references "resource" ("id");`);
    this.addSql(`alter table "booking_resource" add constraint "booking_resource_no_overlap" EXCLUDE USING gist (resource_id WITH =, tstzrange(occupied_start, occupied_end) WITH &&, session_key WITH <>) WHERE (active);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "booking_resource" cascade;`);

    this.addSql(`drop trigger if exists "occupy" on "booking";`);
    this.addSql(`drop function if exists "booking_occupy_fn"();`);
    this.addSql(`alter table "booking" add constraint "booking_no_overlap" EXCLUDE USING gist (resource_id WITH =, tstzrange(occupied_start, occupied_end) WITH &&, session_key WITH <>) WHERE ((status = ANY (ARRAY['PENDING'::booking_status, 'CONFIRMED'::booking_status, 'COMPLETED'::booking_status, 'NO_SHOW'::booking_status])));`);
  }

}
