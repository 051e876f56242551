import { Migration } from '@mikro-orm/migrations';

export class Migration20261203190128_customer_language_and_zone extends Migration {

  override name = 'Migration20261203190128_customer_language_and_zone';

  override up(): void | Promise<void> {
    this.addSql(`alter table "tenant" add "address" varchar(300) null, add "locale" varchar(35) not null default 'en';`);

    this.addSql(`alter table "booking" add "customer_time_zone" varchar(64) null, add "customer_locale" varchar(35) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "booking" drop column "customer_time_zone", drop column "customer_locale";`);

    this.addSql(`alter table "tenant" drop column "address", drop column "locale";`);
  }

}
