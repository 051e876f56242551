import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { PLATFORM, Role } from '../access/role.js';
import type { RequestContext } from '../context/request-context.js';
import { toPayload } from '../graphql/payload.js';
import { requireTenant } from './require-tenant.js';
import * as tenancy from './tenancy.service.js';
import { Tenant } from './tenant.entity.js';
import {
  CreateTenantInput,
  CreateTenantPayload,
  TenantPayload,
  UpdateTenantInput,
} from './tenant.types.js';

@Resolver(() => Tenant)
export class TenantResolver {
  @Query(() => Tenant, { description: 'public: the tenant this request resolved to' })
  tenant(@Ctx() ctx: RequestContext): Tenant {
    return requireTenant(ctx);
  }

  @Authorized(PLATFORM)
  @Mutation(() => CreateTenantPayload, { description: 'platform operator only' })
  async createTenant(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => CreateTenantInput) input: CreateTenantInput,
  ): Promise<CreateTenantPayload> {
    return toPayload(new CreateTenantPayload(), 'tenant', await tenancy.createTenant(ctx, input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => TenantPayload, { description: 'ADMIN; only the fields given change' })
  async updateTenant(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => UpdateTenantInput) input: UpdateTenantInput,
  ): Promise<TenantPayload> {
    return toPayload(new TenantPayload(), 'tenant', await tenancy.updateTenant(ctx, input));
  }

  @Authorized(PLATFORM)
  @Mutation(() => TenantPayload, {
    description: 'platform operator only: an inactive tenant answers no request',
  })
  async setTenantActive(
    @Ctx() ctx: RequestContext,
    @Arg('slug', () => String) slug: string,
    @Arg('active', () => Boolean) active: boolean,
  ): Promise<TenantPayload> {
    return toPayload(
      new TenantPayload(),
      'tenant',
      await tenancy.setTenantActive(ctx, slug, active),
    );
  }
}
