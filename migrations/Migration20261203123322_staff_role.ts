import { Migration } from '@mikro-orm/migrations';

export class Migration20261203123322_staff_role extends Migration {

  override name = 'Migration20261203123322_staff_role';

  override up(): void | Promise<void> {
    this.addSql(`alter type "role" add value if not exists 'STAFF' after 'ADMIN';`);

    this.addSql(`alter type "role" add value if not exists 'STAFF' after 'ADMIN';`);
  }

}
