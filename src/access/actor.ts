import type { Role } from './role.js';

/** Who is calling, once the bearer credential is verified. */
export type Actor =
  | {
      kind: 'USER';
      role: Role;
      tenantId: string;
      userId: string;
      sessionId: string;
      email: string;
      /** The user's resources: all a STAFF user may work on. */
      resourceIds: readonly string[];
    }
  | { kind: 'API_KEY'; role: Role; tenantId: string; apiKeyId: string; name: string }
  | { kind: 'PLATFORM'; role: null; tenantId: null };
