import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Resource } from '../catalog/resource.entity.js';
import { present } from '../context/loaders.js';
import type { RequestContext } from '../context/request-context.js';
import { PayloadMutation } from '../graphql/payload.js';
import { EmailAddressScalar } from '../graphql/scalars.js';
import * as access from './access.service.js';
import {
  AcceptInvitationArgs,
  ActorType,
  ChangePasswordArgs,
  CreateApiKeyArgs,
  CreateApiKeyPayload,
  DeletePayload,
  InviteUserInput,
  InviteUserPayload,
  LoginPayload,
  ResetPasswordArgs,
  UpdateUserInput,
  UserPayload,
} from './access.types.js';
import * as links from './account-links.service.js';
import { ApiKey } from './api-key.entity.js';
import { Invitation } from './invitation.entity.js';
import { Role } from './role.js';
import { User } from './user.entity.js';

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => [Resource], { description: 'what the user works on (all a STAFF sees)' })
  resources(@Root() user: User, @Ctx() ctx: RequestContext): Promise<Resource[]> {
    return ctx.loaders.resourcesOfUser.load(user.id);
  }
}

@Resolver(() => Invitation)
export class InvitationResolver {
  @FieldResolver(() => [Resource])
  async resources(@Root() invitation: Invitation, @Ctx() ctx: RequestContext) {
    return present(await ctx.loaders.resource.loadMany(invitation.resourceIds));
  }
}

@Resolver(() => ActorType)
export class ActorResolver {
  @FieldResolver(() => [Resource], {
    description: "a user's resources (all a STAFF user works on); empty for API keys",
  })
  resources(@Root() actor: ActorType, @Ctx() ctx: RequestContext): Promise<Resource[]> | never[] {
    return actor.userId ? ctx.loaders.resourcesOfUser.load(actor.userId) : [];
  }
}

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

  @Authorized(Role.ADMIN)
  @PayloadMutation(InviteUserPayload, 'invitation', {
    description: 'emails a one-time link (7 days); a new one replaces the open one of the email',
  })
  async inviteUser(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => InviteUserInput) input: InviteUserInput,
  ) {
    return links.inviteUser(ctx, input);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [Invitation], { description: 'ADMIN: open invitations, newest first' })
  invitations(@Ctx() ctx: RequestContext): Promise<Invitation[]> {
    return links.listInvitations(ctx);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(DeletePayload, 'deletedId', { description: 'its link stops working' })
  async revokeInvitation(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return links.revokeInvitation(ctx, id);
  }

  @PayloadMutation(LoginPayload, 'session', {
    description: "public: the invitation email's token; the new user is signed in",
  })
  async acceptInvitation(
    @Ctx() ctx: RequestContext,
    @Args(() => AcceptInvitationArgs) args: AcceptInvitationArgs,
  ) {
    return links.acceptInvitation(ctx, args);
  }

  @Mutation(() => Boolean, {
    description: 'public: true whether or not the email is a user, in the same time',
  })
  requestPasswordReset(
    @Ctx() ctx: RequestContext,
    @Arg('email', () => EmailAddressScalar) email: string,
  ): Promise<boolean> {
    return links.requestPasswordReset(ctx, email);
  }

  @PayloadMutation(LoginPayload, 'session', {
    description: "public: the reset email's token (one use, one hour); every other session ends",
  })
  async resetPassword(
    @Ctx() ctx: RequestContext,
    @Args(() => ResetPasswordArgs) args: ResetPasswordArgs,
  ) {
    return links.resetPassword(ctx, args);
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
