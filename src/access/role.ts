import { registerEnumType } from 'type-graphql';

/** Roles of a tenant's credentials: users are ADMIN or STAFF, API keys ADMIN or PARTNER. */
export enum Role {
  ADMIN = 'ADMIN',
  /** A user who works on resources: none of the admin operations. */
  STAFF = 'STAFF',
  /** An API key that reads bookings. */
  PARTNER = 'PARTNER',
}
registerEnumType(Role, { name: 'Role', description: "A tenant's admin users and API keys" });

/** Pseudo-role of the platform operator (PLATFORM_ADMIN_TOKEN); never stored. */
export const PLATFORM = 'PLATFORM';
export type AuthRole = Role | typeof PLATFORM;
