import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { PLATFORM, Role } from '../access/role.js';
import type { RequestContext } from '../context/request-context.js';
import { PayloadMutation } from '../graphql/payload.js';
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
  @PayloadMutation(CreateTenantPayload, 'tenant', { description: 'platform operator only' })
  async createTenant(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => CreateTenantInput) input: CreateTenantInput,
  ) {
    return tenancy.createTenant(ctx, input);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(TenantPayload, 'tenant', { description: 'ADMIN; only the fields given change' })
  async updateTenant(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => UpdateTenantInput) input: UpdateTenantInput,
  ) {
    return tenancy.updateTenant(ctx, input);
  }

  @Authorized(PLATFORM)
  @PayloadMutation(TenantPayload, 'tenant', {
    description: 'platform operator only: an inactive tenant answers no request',
  })
  async setTenantActive(
    @Ctx() ctx: RequestContext,
    @Arg('slug', () => String) slug: string,
    @Arg('active', () => Boolean) active: boolean,
  ) {
    return tenancy.setTenantActive(ctx, slug, active);
  }
}
