import { Arg, Authorized, Ctx, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Role } from '../access/role.js';
import type { RequestContext } from '../context/request-context.js';
import { BookingEvent } from './booking-event.entity.js';
import type { StoredEvent } from './booking-event.store.js';
import { BookingEventType } from './booking-event-type.js';
import { BookingEventConnection, followFeed, readFeed } from './event-feed.js';

/** What a subscription's context carries besides a request's: the change feed and its end. */
export interface SubscriptionContext extends RequestContext {
  subscription: { changes: import('../cache/change-feed.js').ChangeFeed; signal: AbortSignal };
}

@Resolver(() => BookingEvent)
export class BookingEventResolver {
  @Authorized(Role.ADMIN, Role.PARTNER, Role.STAFF)
  @Query(() => BookingEventConnection, {
    description:
      'ADMIN, PARTNER, STAFF (their resources): booking events after the cursor, never one missed or repeated (docs/EVENTS.md)',
  })
  bookingEvents(
    @Ctx() ctx: RequestContext,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number | null,
    @Arg('types', () => [BookingEventType], { nullable: true }) types: BookingEventType[] | null,
  ): Promise<BookingEventConnection> {
    return readFeed(ctx, after, first, types);
  }

  @Authorized(Role.ADMIN, Role.PARTNER, Role.STAFF)
  @Subscription(() => BookingEvent, {
    name: 'bookingEvents',
    description:
      'ADMIN, PARTNER, STAFF (their resources): each booking event from now on, over WebSocket (graphql-ws)',
    subscribe: ({ args, context }) => {
      const ctx = context as SubscriptionContext;
      const { changes, signal } = ctx.subscription;
      return followFeed(
        ctx,
        changes,
        (args as { types?: BookingEventType[] | null }).types,
        signal,
      );
    },
  })
  bookingEventsSubscription(
    @Root() event: StoredEvent,
    @Arg('types', () => [BookingEventType], { nullable: true }) _types: BookingEventType[] | null,
  ): StoredEvent {
    return event;
  }
}
