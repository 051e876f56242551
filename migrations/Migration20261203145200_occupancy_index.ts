import { Migration } from '@mikro-orm/migrations';

export class Migration20261203145200_occupancy_index extends Migration {

  override name = 'Migration20261203145200_occupancy_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "booking_resource_resource_id_occupied_start_index" on "booking_resource" ("resource_id", "occupied_start");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "booking_resource_resource_id_occupied_start_index";`);
  }

}
