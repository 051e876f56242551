import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context/request-context.js';
import { PayloadMutation } from '../graphql/payload.js';
import { EmailAddressScalar } from '../graphql/scalars.js';
import * as access from './access.service.js';
import {
  ActorType,
  ChangePasswordArgs,
  CreateApiKeyArgs,
  CreateApiKeyPayload,
  DeletePayload,
  LoginPayload,
  UpdateUserInput,
  UserPayload,
} from './access.types.js';
import { ApiKey } from './api-key.entity.js';
import { Role } from './role.js';
import { User } from './user.entity.js';

@Resolver()
export class AccessResolver {
  @Query(() => ActorType, { nullable: true, description: 'who the credential is, or null' })
  me(@Ctx() ctx: RequestContext): ActorType | null {
    return access.me(ctx);
  }

  @PayloadMutation(LoginPayload, 'session', { description: 'tenant admin user -> bearer token' })
  async login(
    @Ctx() ctx: RequestContext,
    @Arg('email', () => EmailAddressScalar) email: string,
    @Arg('password', () => String) password: string,
  ) {
    return access.login(ctx, email, password);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'revokes the calling login session' })
  logout(@Ctx() ctx: RequestContext): Promise<boolean> {
    return access.logout(ctx);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [User], { description: "ADMIN: the tenant's users" })
  users(@Ctx() ctx: RequestContext): Promise<User[]> {
    return access.listUsers(ctx);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(UserPayload, 'user', { description: 'the last active ADMIN stays one' })
  async updateUser(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
  ) {
    return access.updateUser(ctx, id, input);
  }

  @Authorized()
  @PayloadMutation(UserPayload, 'user', { description: "the caller's; other sessions end" })
  async changePassword(
    @Ctx() ctx: RequestContext,
    @Args(() => ChangePasswordArgs) args: ChangePasswordArgs,
  ) {
    return access.changePassword(ctx, args);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [ApiKey], { description: "ADMIN: the tenant's API keys that are not revoked" })
  apiKeys(@Ctx() ctx: RequestContext): Promise<ApiKey[]> {
    return access.listApiKeys(ctx);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(CreateApiKeyPayload)
  async createApiKey(
    @Ctx() ctx: RequestContext,
    @Args(() => CreateApiKeyArgs) args: CreateApiKeyArgs,
  ) {
    return access.createApiKey(ctx, args);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(DeletePayload, 'deletedId')
  async revokeApiKey(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return access.revokeApiKey(ctx, id);
  }
}
