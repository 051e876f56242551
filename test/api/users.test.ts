import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/access/secrets.js';
import {
  createApiKey,
  createTenant,
  login,
  startTestApp,
  type TenantFixture,
  type TestApp,
} from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { waitFor } from '../helpers/smtp.js';

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

const UPDATE = `mutation ($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) {
    user { id name role active }
    userErrors { code field message }
  }
}`;

interface Updated {
  updateUser: {
    user: { id: string; name: string | null; role: string; active: boolean } | null;
    userErrors: Array<{ code: string; field: string[] | null; message: string }>;
  };
}

/** A second user, written as invitations will write one, signed in. */
async function addUser(tenant: TenantFixture, email: string, role = 'ADMIN') {
  const password = `pw-${email}-long-enough`;
  const [row] = await sql<{ id: string }>(
    t.database,
    `insert into app_user (id, created_at, updated_at, tenant_id, email, password_hash, role)
     values (gen_random_uuid(), now(), now(), $1, $2, $3, $4) returning id`,
    [tenant.id, email, await hashPassword(password), role],
  );
  return { id: row?.id as string, password, token: await login(t, tenant.slug, email, password) };
}

const resourceOf = async (tenant: TenantFixture) =>
  (
    await sql<{ id: string }>(
      t.database,
      'select id from resource where tenant_id = $1 order by created_at limit 1',
      [tenant.id],
    )
  )[0]?.id as string;

const idOf = async (tenant: TenantFixture) =>
  (
    await sql<{ id: string }>(
      t.database,
      'select id from app_user where tenant_id = $1 and email = $2',
      [tenant.id, tenant.adminEmail],
    )
  )[0]?.id as string;

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

describe('updateUser', () => {
  it('keeps the last active ADMIN: neither deactivated nor made STAFF', async () => {
    const c = await createTenant(t, 'users-c');
    const id = await idOf(c);
    for (const [input, field] of [
      [{ active: false }, 'active'],
      [{ role: 'STAFF' }, 'role'],
    ] as const) {
      const res = await t.gql<Updated>(UPDATE, { id, input }, { tenant: c.slug, token: c.token });
      expect(res.data?.updateUser.user).toBeNull();
      expect(res.data?.updateUser.userErrors[0]).toMatchObject({
        field: ['input', field],
        message: expect.stringContaining('the last active ADMIN cannot be'),
      });
    }
    const [row] = await sql(t.database, 'select role, active from app_user where id = $1', [id]);
    expect(row).toEqual({ role: 'ADMIN', active: true });
  });

  it('lets only one of two admins demoting each other at once win', async () => {
    const d = await createTenant(t, 'users-d');
    const first = { id: await idOf(d), token: d.token };
    const second = await addUser(d, 'second@users-d.example');
    const resourceIds = [await resourceOf(d)];
    const demote = (by: string, id: string) =>
      t.gql<Updated>(
        UPDATE,
        { id, input: { role: 'STAFF', resourceIds } },
        { tenant: d.slug, token: by },
      );
    const results = await Promise.all([
      demote(first.token, second.id),
      demote(second.token, first.id),
    ]);
    const won = results.filter((r) => r.data?.updateUser.user?.role === 'STAFF');
    expect(won).toHaveLength(1);
    const admins = await sql(
      t.database,
      "select id from app_user where tenant_id = $1 and role = 'ADMIN' and active",
      [d.id],
    );
    expect(admins).toHaveLength(1);
  });

  it('makes a STAFF user who gets none of the admin operations', async () => {
    const e = await createTenant(t, 'users-e');
    const staff = await addUser(e, 'stylist@users-e.example');
    const without = await t.gql<Updated>(
      UPDATE,
      { id: staff.id, input: { role: 'STAFF' } },
      { tenant: e.slug, token: e.token },
    );
    expect(without.data?.updateUser.userErrors).toEqual([
      {
        code: 'INVALID_INPUT',
        field: ['input', 'resourceIds'],
        message: 'resourceIds must name at least one resource for a STAFF user',
      },
    ]);
    const res = await t.gql<Updated>(
      UPDATE,
      {
        id: staff.id,
        input: { role: 'STAFF', name: '  Sam  ', resourceIds: [await resourceOf(e)] },
      },
      { tenant: e.slug, token: e.token },
    );
    expect(res.data?.updateUser.user).toEqual({
      id: staff.id,
      name: 'Sam',
      role: 'STAFF',
      active: true,
    });
    const as = { tenant: e.slug, token: staff.token };
    const me = await t.gql<{ me: { role: string } }>('{ me { role } }', {}, as);
    expect(me.data?.me.role).toBe('STAFF');
    for (const query of [
      USERS,
      '{ apiKeys { id } }',
      'mutation { createResource(name: "Mine") { resource { id } } }',
      `mutation { updateUser(id: "${staff.id}", input: { role: ADMIN }) { user { role } } }`,
    ]) {
      const refused = await t.gql(query, {}, as);
      expect(refused.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
    const [row] = await sql(t.database, 'select role from app_user where id = $1', [staff.id]);
    expect(row).toEqual({ role: 'STAFF' });
  });

  it('refuses PARTNER for a user and STAFF for an API key', async () => {
    const id = await idOf(b);
    const user = await t.gql<Updated>(
      UPDATE,
      { id, input: { role: 'PARTNER' } },
      { tenant: b.slug, token: b.token },
    );
    expect(user.data?.updateUser.userErrors[0]?.field).toEqual(['input', 'role']);
    const key = await t.gql<{
      createApiKey: { apiKey: unknown; userErrors: Array<{ field: string[] }> };
    }>(
      'mutation { createApiKey(name: "k", role: STAFF) { apiKey { id } userErrors { field message } } }',
      {},
      { tenant: b.slug, token: b.token },
    );
    expect(key.data?.createApiKey.apiKey).toBeNull();
    expect(key.data?.createApiKey.userErrors[0]?.field).toEqual(['role']);
  });

  it('ends the sessions of a deactivated user on a second instance within a second', async () => {
    const f = await createTenant(t, 'users-f');
    const leaver = await addUser(f, 'leaver@users-f.example');
    const other = await startTestApp({}, { database: t.database });
    try {
      const me = () => other.gql('{ me { email } }', {}, { tenant: f.slug, token: leaver.token });
      expect((await me()).data).toEqual({ me: { email: 'leaver@users-f.example' } });
      const res = await t.gql<Updated>(
        UPDATE,
        { id: leaver.id, input: { active: false } },
        { tenant: f.slug, token: f.token },
      );
      expect(res.data?.updateUser.user?.active).toBe(false);
      await waitFor(
        'the second instance to refuse the session',
        async () => (await me()).errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
        1000,
      );
      await expect(login(t, f.slug, 'leaver@users-f.example', leaver.password)).rejects.toThrow(
        /login failed/,
      );
      const [audit] = await sql<{ changes: unknown }>(
        t.database,
        "select changes from audit_event where action = 'user.updated' and entity_id = $1",
        [leaver.id],
      );
      expect(audit?.changes).toEqual({ active: false });
    } finally {
      await other.close();
    }
  });
});
