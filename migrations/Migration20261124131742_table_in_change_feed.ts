import { Migration } from '@mikro-orm/migrations';

export class Migration20261124131742_table_in_change_feed extends Migration {

  override name = 'Migration20261124131742_table_in_change_feed';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger if exists "notify_change" on "tenant";`);
    this.addSql(`drop function if exists "tenant_notify_change_fn"();`);
    this.addSql(`create or replace function "tenant_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.id, old.id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "tenant" for each ROW execute function "tenant_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "resource";`);
    this.addSql(`drop function if exists "resource_notify_change_fn"();`);
    this.addSql(`create or replace function "resource_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "resource" for each ROW execute function "resource_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "service";`);
    this.addSql(`drop function if exists "service_notify_change_fn"();`);
    this.addSql(`create or replace function "service_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "service" for each ROW execute function "service_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "date_override";`);
    this.addSql(`drop function if exists "date_override_notify_change_fn"();`);
    this.addSql(`create or replace function "date_override_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "date_override" for each ROW execute function "date_override_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "booking";`);
    this.addSql(`drop function if exists "booking_notify_change_fn"();`);
    this.addSql(`create or replace function "booking_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "booking" for each ROW execute function "booking_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "blackout";`);
    this.addSql(`drop function if exists "blackout_notify_change_fn"();`);
    this.addSql(`create or replace function "blackout_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "blackout" for each ROW execute function "blackout_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "app_user";`);
    this.addSql(`drop function if exists "app_user_notify_change_fn"();`);
    this.addSql(`create or replace function "app_user_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "app_user" for each ROW execute function "app_user_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "session";`);
    this.addSql(`drop function if exists "session_notify_change_fn"();`);
    this.addSql(`create or replace function "session_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', tg_table_name || ':' || coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "session" for each ROW execute function "session_notify_change_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "notify_change" on "app_user";`);
    this.addSql(`drop function if exists "app_user_notify_change_fn"();`);
    this.addSql(`create or replace function "app_user_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "app_user" for each ROW execute function "app_user_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "blackout";`);
    this.addSql(`drop function if exists "blackout_notify_change_fn"();`);
    this.addSql(`create or replace function "blackout_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "blackout" for each ROW execute function "blackout_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "booking";`);
    this.addSql(`drop function if exists "booking_notify_change_fn"();`);
    this.addSql(`create or replace function "booking_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "booking" for each ROW execute function "booking_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "date_override";`);
    this.addSql(`drop function if exists "date_override_notify_change_fn"();`);
    this.addSql(`create or replace function "date_override_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "date_override" for each ROW execute function "date_override_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "resource";`);
    this.addSql(`drop function if exists "resource_notify_change_fn"();`);
    this.addSql(`create or replace function "resource_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "resource" for each ROW execute function "resource_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "service";`);
    this.addSql(`drop function if exists "service_notify_change_fn"();`);
    this.addSql(`create or replace function "service_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "service" for each ROW execute function "service_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "session";`);
    this.addSql(`drop function if exists "session_notify_change_fn"();`);
    this.addSql(`create or replace function "session_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "session" for each ROW execute function "session_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "tenant";`);
    this.addSql(`drop function if exists "tenant_notify_change_fn"();`);
    this.addSql(`create or replace function "tenant_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', coalesce(new.id, old.id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "tenant" for each ROW execute function "tenant_notify_change_fn"();`);
  }

}
