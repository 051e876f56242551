import { MaxLength, MinLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateTimeScalar, EmailAddressScalar } from '../graphql/scalars.js';
import { Payload } from '../shared/errors.js';
import { NotNull, Printable, Rule, Trimmed } from '../shared/validation.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { ApiKey } from './api-key.entity.js';
import { Invitation } from './invitation.entity.js';
import { Role } from './role.js';
import { User } from './user.entity.js';

@ObjectType('Session', {
  description: 'A login session: send the token as "Authorization: Bearer <token>".',
})
export class SessionToken {
  @Field()
  token!: string;

  @Field(() => DateTimeScalar)
  expiresAt!: Date;
}

@ObjectType()
export class LoginPayload extends Payload {
  @Field(() => SessionToken, { nullable: true })
  session: SessionToken | null = null;
}

@ObjectType()
export class CreateApiKeyPayload extends Payload {
  @Field(() => ApiKey, { nullable: true })
  apiKey: ApiKey | null = null;

  @Field(() => String, { nullable: true, description: 'The secret, shown once.' })
  secret: string | null = null;
}

/** Passwords as the sign-in takes them; a new one at least PASSWORD_MIN_LENGTH long. */
export const PASSWORD_MIN_LENGTH = 12;

/** Most resources one user works on. */
export const MAX_USER_RESOURCES = 100;

const AtMostResources = () =>
  Rule(
    (value) => value == null || (Array.isArray(value) && value.length <= MAX_USER_RESOURCES),
    `must name at most ${MAX_USER_RESOURCES} resources`,
  );

/** The rules of a password a user chooses. */
function NewPassword(): PropertyDecorator {
  return (target, key) => {
    MinLength(PASSWORD_MIN_LENGTH, {
      message: `must be at least ${PASSWORD_MIN_LENGTH} characters`,
    })(target, key);
    MaxLength(256)(target, key);
  };
}

@ArgsType()
export class ChangePasswordArgs {
  @Field()
  @MaxLength(256)
  currentPassword!: string;

  @Field()
  @NewPassword()
  newPassword!: string;
}

@ObjectType()
export class UserPayload extends Payload {
  @Field(() => User, { nullable: true })
  user: User | null = null;
}

@ObjectType()
export class DeletePayload extends Payload {
  @Field(() => ID, { nullable: true })
  deletedId: string | null = null;
}

@ObjectType('Actor', { description: 'Who the credential is.' })
export class ActorType {
  @Field({ description: 'USER, API_KEY or PLATFORM' })
  kind!: string;

  @Field(() => Role, { nullable: true })
  role!: Role | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true, description: "The API key's name." })
  name!: string | null;

  @Field(() => Tenant, { nullable: true })
  tenant!: Tenant | null;

  /** The signed-in user, for the `resources` field. */
  userId!: string | null;
}

@ArgsType()
export class CreateApiKeyArgs {
  @Field()
  @Trimmed(1, 100)
  name!: string;

  @Field(() => Role, { description: 'ADMIN or PARTNER' })
  @Rule((value) => value !== Role.STAFF, 'must be ADMIN or PARTNER: STAFF is a role of users')
  role!: Role;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  @Trimmed(1, 200)
  @Printable()
  @NotNull()
  name?: string | null;

  @Field(() => Role, { nullable: true, description: 'ADMIN or STAFF' })
  @Rule((value) => value !== Role.PARTNER, 'must be ADMIN or STAFF: PARTNER is a role of API keys')
  @NotNull()
  role?: Role | null;

  @Field(() => Boolean, { nullable: true, description: 'false ends their sessions at once' })
  @NotNull()
  active?: boolean | null;

  @Field(() => [ID], {
    nullable: true,
    description: 'replaces the resources the user works on; a STAFF user needs at least one',
  })
  @AtMostResources()
  @NotNull()
  resourceIds?: string[] | null;
}

@InputType()
export class InviteUserInput {
  @Field(() => EmailAddressScalar)
  @MaxLength(254)
  email!: string;

  @Field(() => Role, { description: 'ADMIN or STAFF' })
  @Rule((value) => value !== Role.PARTNER, 'must be ADMIN or STAFF: PARTNER is a role of API keys')
  role!: Role;

  @Field(() => [ID], {
    defaultValue: [],
    description: 'the resources the user will work on; STAFF need at least one',
  })
  @AtMostResources()
  resourceIds!: string[];
}

@ObjectType()
export class InviteUserPayload extends Payload {
  @Field(() => Invitation, { nullable: true })
  invitation: Invitation | null = null;
}

@ArgsType()
export class AcceptInvitationArgs {
  @Field({ description: "the invitation email's token" })
  @MaxLength(200)
  token!: string;

  @Field()
  @Trimmed(1, 200)
  @Printable()
  name!: string;

  @Field()
  @NewPassword()
  password!: string;
}

@ArgsType()
export class ResetPasswordArgs {
  @Field({ description: "the reset email's token" })
  @MaxLength(200)
  token!: string;

  @Field()
  @NewPassword()
  newPassword!: string;
}
