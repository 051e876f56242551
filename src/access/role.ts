import { registerEnumType } from 'type-graphql';

/** Roles of a tenant's credentials. PARTNER reads bookings only. */
export enum Role {
  ADMIN = 'ADMIN',
  PARTNER = 'PARTNER',
}
registerEnumType(Role, { name: 'Role', description: "A tenant's admin users and API keys" });

/** Pseudo-role of the platform operator (PLATFORM_ADMIN_TOKEN); never stored. */
export const PLATFORM = 'PLATFORM';
export type AuthRole = Role | typeof PLATFORM;
