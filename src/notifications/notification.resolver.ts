import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Role } from '../access/role.js';
import { staffScope } from '../access/scope.js';
import { Booking } from '../bookings/booking.entity.js';
import type { RequestContext } from '../context/request-context.js';
import { isId, pageSize } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { Notification } from './notification.entity.js';
import { NotificationStatus } from './notification-status.js';

const MAX_NOTIFICATIONS = 200;

@Resolver(() => Notification)
export class NotificationResolver {
  @FieldResolver(() => Booking, { nullable: true })
  booking(
    @Root() notification: Notification,
    @Ctx() ctx: RequestContext,
  ): Promise<Booking | null> | null {
    return notification.booking ? ctx.loaders.booking.load(notification.booking.id) : null;
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @Query(() => [Notification], {
    description: "newest first; STAFF: their resources' bookings' only",
  })
  notifications(
    @Ctx() ctx: RequestContext,
    @Arg('bookingId', () => ID, { nullable: true }) bookingId: string | null,
    @Arg('status', () => NotificationStatus, { nullable: true }) status: NotificationStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
  ): Promise<Notification[]> {
    requireTenant(ctx);
    const limit = pageSize(first, MAX_NOTIFICATIONS);
    if (bookingId != null && !isId(bookingId)) return Promise.resolve([]);
    const scope = staffScope(ctx);
    return ctx.em.find(
      Notification,
      {
        ...(bookingId ? { booking: bookingId } : {}),
        ...(status ? { status } : {}),
        // An account's email (booking null) is an admin's business.
        ...(scope
          ? { booking: { ...(bookingId ? { id: bookingId } : {}), resource: { $in: [...scope] } } }
          : {}),
      },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit },
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, {
    description: 'ADMIN; a FAILED one goes back to QUEUED (false for any other)',
  })
  retryNotification(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    const tenant = requireTenant(ctx);
    if (!isId(id)) return Promise.resolve(false);
    return ctx.notifier.retry(ctx.em, tenant.id, id);
  }
}
