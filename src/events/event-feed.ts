import { setTimeout as sleep } from 'node:timers/promises';
import { Field, ObjectType } from 'type-graphql';
import { staffScope } from '../access/scope.js';
import { PageInfo } from '../bookings/booking-listing.js';
import type { ChangeFeed } from '../cache/change-feed.js';
import type { RequestContext } from '../context/request-context.js';
import { badArgument, requestError } from '../shared/errors.js';
import { pageSize } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { BookingEvent } from './booking-event.entity.js';
import {
  type EventSelection,
  eventsAfter,
  type FeedPosition,
  feedEnd,
  type StoredEvent,
} from './booking-event.store.js';
import type { BookingEventType } from './booking-event-type.js';

const MAX_PAGE_SIZE = 500;

@ObjectType()
export class BookingEventEdge {
  @Field()
  cursor!: string;

  @Field(() => BookingEvent)
  node!: StoredEvent;
}

@ObjectType()
export class BookingEventConnection {
  @Field(() => [BookingEventEdge])
  edges!: BookingEventEdge[];

  @Field(() => PageInfo, {
    description: 'endCursor: where to read on from (the given `after` when nothing is new)',
  })
  pageInfo!: PageInfo;
}

/** A feed position, opaque to clients: `<xid>.<position>` in base64url. */
const encodeCursor = (p: FeedPosition) =>
  Buffer.from(`${p.xid}.${p.position}`).toString('base64url');

function decodeCursor(cursor: string): FeedPosition | null {
  const match = /^(\d{1,20})\.(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match?.[1] && match[2] ? { xid: match[1], position: match[2] } : null;
}

/** What the caller may read: the types asked for, within a STAFF caller's resources. */
const selectionOf = (
  ctx: Pick<RequestContext, 'actor'>,
  types: readonly BookingEventType[] | null | undefined,
): EventSelection => ({ types: types ?? null, resourceIds: staffScope(ctx) });

/** ADMIN, PARTNER, STAFF (their resources): the events after `after`, in feed order. */
export async function readFeed(
  ctx: RequestContext,
  after: string | null | undefined,
  size: number | null,
  types: readonly BookingEventType[] | null | undefined,
): Promise<BookingEventConnection> {
  requireTenant(ctx);
  const first = pageSize(size, MAX_PAGE_SIZE, 100);
  const cursor = after ? decodeCursor(after) : null;
  if (after && !cursor) throw badArgument(['after'], 'after is not a cursor this feed gave out');
  const found = await eventsAfter(ctx.em, cursor, selectionOf(ctx, types), first + 1);
  const edges = found
    .slice(0, first)
    .map((node) => Object.assign(new BookingEventEdge(), { cursor: encodeCursor(node), node }));
  return {
    edges,
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: found.length > first,
      endCursor: edges.at(-1)?.cursor ?? after ?? null,
    }),
  };
}

/** How often a subscription reads the feed when no change was heard (a backstop). */
const POLL_MS = 2000;
const BATCH = 100;

/**
 * A subscription's events: the feed read from its end when subscribing, again whenever the
 * tenant's data changes (heard through the change feed) and every POLL_MS at least.
 */
export async function* followFeed(
  ctx: RequestContext,
  changes: ChangeFeed,
  types: readonly BookingEventType[] | null | undefined,
  signal: AbortSignal,
): AsyncGenerator<StoredEvent> {
  const tenant = requireTenant(ctx);
  let selection = selectionOf(ctx, types);
  let cursor = await feedEnd(ctx.em);
  let wake = new AbortController();
  const stop = changes.onChange(tenant.id, () => wake.abort());
  try {
    while (!signal.aborted) {
      // A signed-out, deactivated or re-scoped caller: the stream follows at once.
      if (ctx.reauthenticate) {
        const actor = await ctx.reauthenticate();
        if (!actor || actor.role !== ctx.actor?.role) {
          throw requestError(
            'UNAUTHENTICATED',
            'The credential of this subscription no longer works',
          );
        }
        selection = selectionOf({ ...ctx, actor }, types);
      }
      const found = await eventsAfter(ctx.em, cursor, selection, BATCH);
      for (const event of found) {
        cursor = event;
        yield event;
      }
      if (found.length === BATCH) continue;
      await sleep(POLL_MS, undefined, { signal: AbortSignal.any([signal, wake.signal]) }).catch(
        () => {},
      );
      wake = new AbortController();
    }
  } finally {
    stop();
  }
}
