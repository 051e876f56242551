import { Migration } from '@mikro-orm/migrations';

export class Migration20261203122135_user_profile extends Migration {

  override name = 'Migration20261203122135_user_profile';

  override up(): void | Promise<void> {
    this.addSql(`alter table "app_user" add "name" varchar(200) null, add "active" boolean not null default true, add "last_sign_in_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "app_user" drop column "name", drop column "active", drop column "last_sign_in_at";`);
  }

}
