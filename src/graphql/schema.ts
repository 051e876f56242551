import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import {
  AccessResolver,
  ActorResolver,
  InvitationResolver,
  UserResolver,
} from '../access/access.resolver.js';
import { AuditResolver } from '../audit/audit.resolver.js';
import {
  BlackoutResolver,
  ResourceAvailabilityResolver,
} from '../availability/availability.resolver.js';
import { BookingResolver } from '../bookings/booking.resolver.js';
import { ResourceResolver, ServiceResolver } from '../catalog/catalog.resolver.js';
import { BookingEventResolver } from '../events/events.resolver.js';
import { NotificationResolver } from '../notifications/notification.resolver.js';
import { ReminderResolver } from '../reminders/reminders.resolver.js';
import { SlotsResolver } from '../scheduling/slots.resolver.js';
import { TenantResolver } from '../tenancy/tenant.resolver.js';
import { WebhookDeliveryResolver, WebhookResolver } from '../webhooks/webhooks.resolver.js';
import { authChecker } from './auth-checker.js';
import { DateTimeScalar } from './scalars.js';

const RESOLVERS = [
  TenantResolver,
  AccessResolver,
  UserResolver,
  InvitationResolver,
  ActorResolver,
  ServiceResolver,
  ResourceResolver,
  ResourceAvailabilityResolver,
  BlackoutResolver,
  SlotsResolver,
  BookingResolver,
  NotificationResolver,
  AuditResolver,
  BookingEventResolver,
  ReminderResolver,
  WebhookResolver,
  WebhookDeliveryResolver,
] as const;

/** Subscriptions here read the event feed (src/events/event-feed.ts), not a publish/subscribe bus. */
const NO_PUB_SUB = {
  publish: () => {
    throw new Error('nothing is published: subscriptions read the event feed');
  },
  subscribe: () => {
    throw new Error('nothing is published: subscriptions read the event feed');
  },
};

/** Builds the GraphQL schema from the resolvers (the source of truth for schema.graphql). */
export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    authChecker,
    // Inputs are validated by the services, which report failures as userErrors.
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    pubSub: NO_PUB_SUB,
  });
}
