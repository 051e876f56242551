import type { AuthCheckerFn } from 'type-graphql';
import { type AuthRole, PLATFORM } from '../access/role.js';
import type { RequestContext } from '../context/request-context.js';
import { ApiError } from '../shared/errors.js';

/** `@Authorized()` needs any credential, `@Authorized(Role.ADMIN, ...)` one of the roles. */
export const authChecker: AuthCheckerFn<RequestContext, AuthRole> = ({ context }, roles) => {
  const actor = context.actor;
  if (!actor) {
    throw new ApiError(
      'UNAUTHENTICATED',
      'This operation needs a credential (Authorization: Bearer <token>)',
    );
  }
  if (roles.length === 0) return true;
  const role: AuthRole = actor.role ?? PLATFORM;
  if (roles.includes(role)) return true;
  throw new ApiError('FORBIDDEN', `This operation needs the role ${roles.join(' or ')}`);
};
