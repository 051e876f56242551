import {
  Arg,
  Args,
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
import { KeepAnswer, Writes } from '../cache/declare.js';
import { Resource } from '../catalog/resource.entity.js';
import { Service } from '../catalog/service.entity.js';
import { present } from '../context/loaders.js';
import type { RequestContext } from '../context/request-context.js';
import { PayloadMutation } from '../graphql/payload.js';
import { DateTimeScalar, EmailAddressScalar } from '../graphql/scalars.js';
import { PublicWrite } from '../security/public-write.js';
import { UserErrorCode } from '../shared/errors.js';
import { Booking, type BookingView } from './booking.entity.js';
import {
  BookingDetailsInput,
  BookingFilter,
  BookingPayload,
  CancelArgs,
  CreateBookingInput,
  CreateBookingPayload,
} from './booking.types.js';
import { bookingsCsv } from './booking-export.js';
import { BookingConnection, listBookings } from './booking-listing.js';
import * as bookings from './bookings.service.js';

async function loaded<T>(value: Promise<T | null>, what: string): Promise<T> {
  const row = await value;
  if (!row) throw new Error(`${what} missing`);
  return row;
}

/** What the field resolvers read of a booking: an entity, a created or a listed booking. */
type BookingRefs = Pick<BookingView, 'id' | 'service' | 'resource'>;

@Resolver(() => Booking)
export class BookingResolver {
  @FieldResolver(() => Service)
  service(@Root() booking: BookingRefs, @Ctx() ctx: RequestContext): Promise<Service> {
    return loaded(ctx.loaders.service.load(booking.service.id), `service of booking ${booking.id}`);
  }

  @FieldResolver(() => Resource)
  resource(@Root() booking: BookingRefs, @Ctx() ctx: RequestContext): Promise<Resource> {
    return loaded(
      ctx.loaders.resource.load(booking.resource.id),
      `resource of booking ${booking.id}`,
    );
  }

  @FieldResolver(() => [Resource], {
    description:
      'everything the booking occupies: its resource first, then one of each requirement',
  })
  async resources(@Root() booking: BookingRefs, @Ctx() ctx: RequestContext): Promise<Resource[]> {
    const ids = await ctx.loaders.occupied.load(booking.id);
    return present(await ctx.loaders.resource.loadMany(ids));
  }

  @Authorized(Role.ADMIN, Role.STAFF, Role.PARTNER)
  @Query(() => Booking, { nullable: true })
  booking(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Booking | null> {
    return bookings.findBooking(ctx, id);
  }

  @PublicWrite()
  @Mutation(() => Boolean, {
    description:
      'public: emails the manage link when the reference and email match a booking; true either way, in the same time',
  })
  requestManageLink(
    @Ctx() ctx: RequestContext,
    @Arg('reference', () => String) reference: string,
    @Arg('email', () => EmailAddressScalar) email: string,
  ): Promise<boolean> {
    return bookings.requestManageLink(ctx, reference, email);
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @PayloadMutation(BookingPayload, 'booking', {
    description: 'ADMIN, STAFF (their resources): emails the customer the manage link again',
  })
  async resendManageLink(
    @Ctx() ctx: RequestContext,
    @Arg('bookingId', () => ID) bookingId: string,
  ) {
    return bookings.resendManageLink(ctx, bookingId);
  }

  @Authorized(Role.ADMIN, Role.STAFF, Role.PARTNER)
  @KeepAnswer()
  @Query(() => BookingConnection, { description: 'in start order, then id' })
  async bookings(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => BookingFilter, { nullable: true }) filter: BookingFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<BookingConnection> {
    return listBookings(ctx, filter, first ?? 50, after);
  }

  @Authorized(Role.ADMIN, Role.STAFF, Role.PARTNER)
  @Query(() => String, {
    description: `RFC 4180 CSV with a header row, the same filter as bookings; at most EXPORT_ROW_LIMIT rows (GET /exports/bookings.csv streams any number)`,
  })
  bookingsCsv(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => BookingFilter, { nullable: true }) filter: BookingFilter | null,
    @Arg('formulaGuard', () => Boolean, {
      defaultValue: true,
      description:
        "Prefix cells a spreadsheet would run as formulas (=, +, -, @, tab, CR) with '. Programs that parse the CSV pass false to get every value as stored.",
    })
    formulaGuard: boolean,
  ): Promise<string> {
    return bookingsCsv(ctx, filter, { formulaGuard });
  }

  @Query(() => Booking, { nullable: true, description: 'customer holding a manage token' })
  bookingByToken(
    @Ctx() ctx: RequestContext,
    @Arg('token', () => String) token: string,
  ): Promise<Booking | null> {
    return bookings.bookingByToken(ctx, token);
  }

  @Writes('booking')
  @PublicWrite()
  @PayloadMutation(CreateBookingPayload, undefined, { description: 'public' })
  async createBooking(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => CreateBookingInput) input: CreateBookingInput,
  ) {
    const result = await bookings.createBooking(ctx, input);
    if (result.ok && result.value.manageToken) ctx.metrics.bookingsCreated.inc();
    if (!result.ok && result.errors.some((e) => e.code === UserErrorCode.BOOKING_CONFLICT)) {
      ctx.metrics.bookingConflicts.inc();
    }
    return result;
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @Writes('booking')
  @PayloadMutation(BookingPayload, 'booking')
  async confirmBooking(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return bookings.transition(ctx, id, 'confirm');
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @Writes('booking')
  @PayloadMutation(BookingPayload, 'booking')
  async cancelBooking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Args(() => CancelArgs) args: CancelArgs,
  ) {
    return bookings.cancel(ctx, id, args, 'admin');
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @Writes('booking')
  @PayloadMutation(BookingPayload, 'booking')
  async rescheduleBooking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('startsAt', () => DateTimeScalar) startsAt: Date,
    @Arg('bypassPolicy', () => Boolean, {
      nullable: true,
      defaultValue: false,
      description: 'as on CreateBookingInput',
    })
    bypassPolicy: boolean | null,
  ) {
    return bookings.rescheduleBooking(ctx, id, startsAt, bypassPolicy ?? false);
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @Writes('booking')
  @PayloadMutation(BookingPayload, 'booking', { description: 'audited' })
  async updateBookingDetails(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => BookingDetailsInput) input: BookingDetailsInput,
  ) {
    return bookings.updateBookingDetails(ctx, id, input);
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @Writes('booking')
  @PayloadMutation(BookingPayload, 'booking')
  async completeBooking(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return bookings.transition(ctx, id, 'complete');
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @Writes('booking')
  @PayloadMutation(BookingPayload, 'booking')
  async markNoShow(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return bookings.transition(ctx, id, 'noShow');
  }

  @Writes('booking')
  @PublicWrite()
  @PayloadMutation(BookingPayload, 'booking', { description: 'customer' })
  async cancelBookingByToken(
    @Ctx() ctx: RequestContext,
    @Arg('token', () => String) token: string,
    @Args(() => CancelArgs) args: CancelArgs,
  ) {
    return bookings.cancelBookingByToken(ctx, token, args);
  }

  @Writes('booking')
  @PublicWrite()
  @PayloadMutation(BookingPayload, 'booking', { description: 'customer' })
  async rescheduleBookingByToken(
    @Ctx() ctx: RequestContext,
    @Arg('token', () => String) token: string,
    @Arg('startsAt', () => DateTimeScalar) startsAt: Date,
  ) {
    return bookings.rescheduleBookingByToken(ctx, token, startsAt);
  }
}
