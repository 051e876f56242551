import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiKey,
  createTenant,
  login,
  startTestApp,
  type TenantFixture,
  type TestApp,
} from '../helpers/app.js';
import { sql } from '../helpers/database.js';

// Issue 17: the tenant's users, and a signed-in user's own password.

let t: TestApp;
let a: TenantFixture;
let b: TenantFixture;

const USERS = '{ users { id email name role active lastSignInAt createdAt } }';
const CHANGE = `mutation ($current: String!, $next: String!) {
  changePassword(currentPassword: $current, newPassword: $next) {
    user { email }
    userErrors { code field message }
  }
}`;

interface Changed {
  changePassword: {
    user: { email: string } | null;
    userErrors: Array<{ code: string; field: string[] | null; message: string }>;
  };
}

const asA = (token = a.token) => ({ tenant: a.slug, token });
const hashOf = async (tenant: TenantFixture) =>
  (
    await sql<{ password_hash: string }>(
      t.database,
      'select password_hash from app_user where tenant_id = $1',
      [tenant.id],
    )
  )[0]?.password_hash;

beforeAll(async () => {
  t = await startTestApp();
  a = await createTenant(t, 'users-a');
  b = await createTenant(t, 'users-b');
});
afterAll(() => t?.close());

describe('users', () => {
  it("lists the tenant's users for an admin, with when each last signed in", async () => {
    const res = await t.gql<{ users: Array<Record<string, unknown>> }>(USERS, {}, asA());
    expect(res.data?.users).toEqual([
      expect.objectContaining({
        email: a.adminEmail,
        name: null,
        role: 'ADMIN',
        active: true,
        lastSignInAt: expect.any(String),
      }),
    ]);
  });

  it('are hidden from a partner key, another tenant and the public', async () => {
    const partner = await createApiKey(t, a, 'PARTNER');
    for (const options of [
      { tenant: a.slug, token: partner.secret },
      { tenant: a.slug },
      { tenant: a.slug, token: b.token },
    ]) {
      const res = await t.gql(USERS, {}, options);
      expect(res.data ?? null).toBeNull();
      expect(['FORBIDDEN', 'UNAUTHENTICATED', 'TENANT_CONFLICT', 'FORBIDDEN_TENANT']).toContain(
        res.errors?.[0]?.extensions?.code,
      );
    }
  });
});

describe('changePassword', () => {
  it('refuses a wrong current password or a short new one, changing nothing', async () => {
    const before = await hashOf(a);
    const wrong = await t.gql<Changed>(
      CHANGE,
      { current: 'not-the-password', next: 'a-new-long-password' },
      asA(),
    );
    expect(wrong.data?.changePassword.userErrors[0]?.field).toEqual(['currentPassword']);
    const short = await t.gql<Changed>(CHANGE, { current: a.adminPassword, next: 'short' }, asA());
    expect(short.data?.changePassword.userErrors[0]).toMatchObject({
      field: ['newPassword'],
      message: 'newPassword must be at least 12 characters',
    });
    expect(await hashOf(a)).toBe(before);
  });

  it('takes the current password, ends every other session, keeps this one', async () => {
    const other = await login(t, a.slug, a.adminEmail, a.adminPassword);
    const next = 'correct-horse-battery-staple';
    const res = await t.gql<Changed>(CHANGE, { current: a.adminPassword, next }, asA());
    expect(res.data?.changePassword).toEqual({ user: { email: a.adminEmail }, userErrors: [] });
    const me = (token: string) => t.gql('{ me { email } }', {}, asA(token));
    expect((await me(a.token)).data).toEqual({ me: { email: a.adminEmail } });
    expect((await me(other)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await expect(login(t, a.slug, a.adminEmail, a.adminPassword)).rejects.toThrow(/login failed/);
    expect(await login(t, a.slug, a.adminEmail, next)).toMatch(/\w/);
    const [row] = await sql<{ action: string; actor_label: string }>(
      t.database,
      "select action, actor_label from audit_event where action = 'user.password_changed' and tenant_id = $1",
      [a.id],
    );
    expect(row).toEqual({ action: 'user.password_changed', actor_label: a.adminEmail });
  });

  it('is not for API keys or the public', async () => {
    const key = await createApiKey(t, b, 'ADMIN');
    const byKey = await t.gql<Changed>(
      CHANGE,
      { current: 'whatever-it-is', next: 'a-new-long-password' },
      { tenant: b.slug, token: key.secret },
    );
    expect(byKey.data?.changePassword.userErrors[0]?.code).toBe('NOT_ALLOWED');
    const anonymous = await t.gql(
      CHANGE,
      { current: 'whatever-it-is', next: 'a-new-long-password' },
      { tenant: b.slug },
    );
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await login(t, b.slug, b.adminEmail, b.adminPassword)).toMatch(/\w/);
  });
});
