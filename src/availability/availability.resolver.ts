import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { DeletePayload } from '../access/access.types.js';
import { Role } from '../access/role.js';
import { ResourcePayload } from '../catalog/catalog.types.js';
import { Resource } from '../catalog/resource.entity.js';
import type { RequestContext } from '../context/request-context.js';
import { PayloadMutation } from '../graphql/payload.js';
import { DateTimeScalar, LocalDateScalar } from '../graphql/scalars.js';
import * as availability from './availability.service.js';
import {
  AffectedArgs,
  BlackoutInput,
  BlackoutPayload,
  DateOverrideType,
  TimeWindowInput,
  WeeklyWindow,
  WeeklyWindowInput,
} from './availability.types.js';
import { Blackout } from './blackout.entity.js';

@Resolver(() => Resource)
export class ResourceAvailabilityResolver {
  @FieldResolver(() => [WeeklyWindow], { description: 'merged and sorted' })
  weeklyWindows(@Root() resource: Resource): WeeklyWindow[] {
    return availability.weeklyWindowsOf(resource);
  }

  @FieldResolver(() => [DateOverrideType])
  dateOverrides(
    @Root() resource: Resource,
    @Ctx() ctx: RequestContext,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
  ): Promise<DateOverrideType[]> {
    return availability.dateOverridesOf(ctx, resource, from, to);
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @PayloadMutation(ResourcePayload, undefined, {
    description: "replaces the resource's whole weekly pattern",
  })
  async setWeeklyWindows(
    @Ctx() ctx: RequestContext,
    @Arg('resourceId', () => ID, {
      nullable: true,
      description: "null = the tenant's first resource",
    })
    resourceId: string | null | undefined,
    @Arg('windows', () => [WeeklyWindowInput]) windows: WeeklyWindowInput[],
    @Args(() => AffectedArgs) affected: AffectedArgs,
  ) {
    return availability.setWeeklyWindows(ctx, resourceId, windows, affected);
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @PayloadMutation(ResourcePayload, undefined, { description: 'an empty list closes the day' })
  async setDateOverride(
    @Ctx() ctx: RequestContext,
    @Arg('resourceId', () => ID, { nullable: true }) resourceId: string | null | undefined,
    @Arg('date', () => LocalDateScalar) date: string,
    @Arg('windows', () => [TimeWindowInput]) windows: TimeWindowInput[],
    @Args(() => AffectedArgs) affected: AffectedArgs,
  ) {
    return availability.setDateOverride(ctx, resourceId, date, windows, affected);
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @PayloadMutation(ResourcePayload)
  async clearDateOverride(
    @Ctx() ctx: RequestContext,
    @Arg('resourceId', () => ID, { nullable: true }) resourceId: string | null | undefined,
    @Arg('date', () => LocalDateScalar) date: string,
    @Args(() => AffectedArgs) affected: AffectedArgs,
  ) {
    return availability.clearDateOverride(ctx, resourceId, date, affected);
  }
}

@Resolver(() => Blackout)
export class BlackoutResolver {
  @FieldResolver(() => Resource, {
    nullable: true,
    description: 'null = every resource of the tenant',
  })
  resource(
    @Root() blackout: Blackout,
    @Ctx() ctx: RequestContext,
  ): Promise<Resource | null> | null {
    return blackout.resource ? ctx.loaders.resource.load(blackout.resource.id) : null;
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @Query(() => [Blackout], { description: 'blackouts that overlap [from, to)' })
  blackouts(
    @Ctx() ctx: RequestContext,
    @Arg('from', () => DateTimeScalar) from: Date,
    @Arg('to', () => DateTimeScalar) to: Date,
  ): Promise<Blackout[]> {
    return availability.listBlackouts(ctx, from, to);
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @PayloadMutation(BlackoutPayload, undefined, {
    description: 'tenant-wide when no resource is named',
  })
  async createBlackout(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => BlackoutInput) input: BlackoutInput,
    @Args(() => AffectedArgs) affected: AffectedArgs,
  ) {
    return availability.createBlackout(ctx, input, affected);
  }

  @Authorized(Role.ADMIN, Role.STAFF)
  @PayloadMutation(DeletePayload, 'deletedId')
  async deleteBlackout(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return availability.deleteBlackout(ctx, id);
  }
}
