import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { DeletePayload } from '../access/access.types.js';
import { Role } from '../access/role.js';
import { AffectedArgs } from '../availability/availability.types.js';
import { present } from '../context/loaders.js';
import type { RequestContext } from '../context/request-context.js';
import { PayloadMutation } from '../graphql/payload.js';
import * as catalog from './catalog.service.js';
import {
  ResourceInput,
  ResourceNameArgs,
  ResourcePayload,
  ServiceInput,
  ServicePayload,
  ServiceRequirement,
} from './catalog.types.js';
import { Resource } from './resource.entity.js';
import { Service } from './service.entity.js';

@Resolver(() => Service)
export class ServiceResolver {
  @Query(() => [Service], { description: 'public sees active ones only' })
  services(
    @Ctx() ctx: RequestContext,
    @Arg('includeInactive', () => Boolean, { nullable: true, defaultValue: false })
    includeInactive: boolean | null,
  ): Promise<Service[]> {
    return catalog.listServices(ctx, includeInactive ?? false);
  }

  @Query(() => Service, { nullable: true })
  service(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Service | null> {
    return catalog.findService(ctx, id);
  }

  @FieldResolver(() => [Resource], {
    description:
      'who can deliver it, in priority order (public: those in service, for a customer to choose)',
  })
  async pool(@Root() service: Service, @Ctx() ctx: RequestContext): Promise<Resource[]> {
    const { pool } = await ctx.loaders.pool.load(service.id);
    const members = present(await ctx.loaders.resource.loadMany(pool));
    // A customer chooses among the people in service; the business sees its whole pool.
    return ctx.actor?.role === Role.ADMIN ? members : members.filter((r) => r.active);
  }

  @FieldResolver(() => [ServiceRequirement])
  async requirements(
    @Root() service: Service,
    @Ctx() ctx: RequestContext,
  ): Promise<ServiceRequirement[]> {
    const { requirements } = await ctx.loaders.pool.load(service.id);
    return Promise.all(
      requirements.map(async (r) =>
        Object.assign(new ServiceRequirement(), {
          label: r.label,
          resources: present(await ctx.loaders.resource.loadMany(r.resourceIds)),
        }),
      ),
    );
  }

  @FieldResolver(() => Resource, { description: 'the first of the pool' })
  async resource(@Root() service: Service, @Ctx() ctx: RequestContext): Promise<Resource> {
    const resource = await ctx.loaders.resource.load(service.resource.id);
    if (!resource)
      throw new Error(`resource ${service.resource.id} of service ${service.id} missing`);
    return resource;
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(ServicePayload, 'service')
  async createService(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => ServiceInput) input: ServiceInput,
  ) {
    return catalog.createService(ctx, input);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(ServicePayload, 'service')
  async updateService(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ServiceInput) input: ServiceInput,
  ) {
    return catalog.updateService(ctx, id, input);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(ServicePayload, 'service')
  async setServiceActive(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('active', () => Boolean) active: boolean,
  ) {
    return catalog.setServiceActive(ctx, id, active);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(DeletePayload, 'deletedId', { description: 'only when no booking names it' })
  async deleteService(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return catalog.deleteService(ctx, id);
  }
}

@Resolver(() => Resource)
export class ResourceResolver {
  @Authorized(Role.ADMIN, Role.STAFF)
  @Query(() => [Resource], { description: 'STAFF: their own' })
  resources(@Ctx() ctx: RequestContext): Promise<Resource[]> {
    return catalog.listResources(ctx);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(ResourcePayload, 'resource')
  async createResource(
    @Ctx() ctx: RequestContext,
    @Args(() => ResourceNameArgs) args: ResourceNameArgs,
  ) {
    return catalog.createResource(ctx, args);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(ResourcePayload)
  async updateResource(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ResourceInput) input: ResourceInput,
    @Args(() => AffectedArgs) affected: AffectedArgs,
  ) {
    return catalog.updateResource(ctx, id, input, affected);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(DeletePayload, 'deletedId', {
    description: 'only when no booking or service names it, and not the last resource',
  })
  async deleteResource(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return catalog.deleteResource(ctx, id);
  }
}
