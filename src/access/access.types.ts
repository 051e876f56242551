import { MaxLength, MinLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars.js';
import { Payload } from '../shared/errors.js';
import { NotNull, Printable, Rule, Trimmed } from '../shared/validation.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { ApiKey } from './api-key.entity.js';
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

@ArgsType()
export class ChangePasswordArgs {
  @Field()
  @MaxLength(256)
  currentPassword!: string;

  @Field()
  @MinLength(PASSWORD_MIN_LENGTH, {
    message: `must be at least ${PASSWORD_MIN_LENGTH} characters`,
  })
  @MaxLength(256)
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
}
