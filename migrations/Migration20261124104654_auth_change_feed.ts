import { Migration } from '@mikro-orm/migrations';

export class Migration20261124104654_auth_change_feed extends Migration {

  override name = 'Migration20261124104654_auth_change_feed';

  override up(): void | Promise<void> {
    this.addSql(`create or replace function "app_user_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "app_user" for each ROW execute function "app_user_notify_change_fn"();`);

    this.addSql(`create or replace function "session_notify_change_fn"() returns trigger as \$\$ begin perform pg_notify('tenant_data_changed', coalesce(new.tenant_id, old.tenant_id)::text); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "notify_change" AFTER INSERT OR UPDATE OR DELETE on "session" for each ROW execute function "session_notify_change_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "notify_change" on "app_user";`);
    this.addSql(`drop function if exists "app_user_notify_change_fn"();`);

    this.addSql(`drop trigger if exists "notify_change" on "session";`);
    this.addSql(`drop function if exists "session_notify_change_fn"();`);
  }

}
