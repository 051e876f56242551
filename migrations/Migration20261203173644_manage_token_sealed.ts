import { Migration } from '@mikro-orm/migrations';

export class Migration20261203173644_manage_token_sealed extends Migration {

  override name = 'Migration20261203173644_manage_token_sealed';

  override up(): void | Promise<void> {
    this.addSql(`alter table "booking" add "manage_token_sealed" text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "booking" drop column "manage_token_sealed";`);
  }

}
