import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { ApiKey } from '../access/api-key.entity.js';
import { Invitation } from '../access/invitation.entity.js';
import { PasswordReset } from '../access/password-reset.entity.js';
import { Session } from '../access/session.entity.js';
import { User } from '../access/user.entity.js';
import { UserResource } from '../access/user-resource.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { Blackout } from '../availability/blackout.entity.js';
import { DateOverride } from '../availability/date-override.entity.js';
import { Booking } from '../bookings/booking.entity.js';
import { BookingResource } from '../bookings/booking-resource.entity.js';
import { Resource } from '../catalog/resource.entity.js';
import { Service } from '../catalog/service.entity.js';
import { ServiceResource } from '../catalog/service-resource.entity.js';
import { BookingEvent } from '../events/booking-event.entity.js';
import { Notification } from '../notifications/notification.entity.js';
import { ReminderRule } from '../reminders/reminder-rule.entity.js';
import { PROJECT_ROOT } from '../shared/paths.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { WebhookAttempt, WebhookDelivery } from '../webhooks/webhook-delivery.entity.js';
import { WebhookEndpoint } from '../webhooks/webhook-endpoint.entity.js';

/** Every entity of the application. A new entity is added here and gets a migration. */
export const ENTITIES = [
  Tenant,
  Resource,
  Service,
  ServiceResource,
  User,
  UserResource,
  Invitation,
  PasswordReset,
  Session,
  ApiKey,
  DateOverride,
  Blackout,
  Booking,
  BookingResource,
  Notification,
  AuditEvent,
  BookingEvent,
  ReminderRule,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
];

/** Where generated migrations (TypeScript) and their snapshot live in the repository. */
export const MIGRATIONS_SOURCE_DIR = 'migrations';

interface OrmConfigOptions {
  clientUrl: string;
  /** Called with each SQL statement the ORM runs (statement counting in tests, debug logs). */
  onQuery?: (sql: string) => void;
  poolMax?: number;
}

export function createOrmConfig(options: OrmConfigOptions): Options {
  return defineConfig({
    clientUrl: options.clientUrl,
    entities: ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    baseDir: PROJECT_ROOT,
    // Migrations run from the build everywhere; `migration:create` writes TypeScript.
    preferTs: false,
    migrations: {
      path: 'dist/migrations',
      pathTs: MIGRATIONS_SOURCE_DIR,
      emit: 'ts',
      snapshotName: '.snapshot',
      // The committed snapshot is written by migration:create only, never by `up`.
      snapshotOnMigrate: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
    },
    pool: { min: 0, max: options.poolMax ?? 20 },
    debug: options.onQuery ? ['query'] : false,
    logger: options.onQuery ? (message: string) => options.onQuery?.(message) : undefined,
    allowGlobalContext: false,
    // The root entity's tenant filter already scopes a query: no join per relation to filter again.
    autoJoinRefsForFilters: false,
  });
}
