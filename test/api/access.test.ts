import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiKey,
  createTenant,
  login,
  PLATFORM_TOKEN,
  startTestApp,
  type TenantFixture,
  type TestApp,
} from '../helpers/app.js';
import { sql } from '../helpers/database.js';

let t: TestApp;
let acme: TenantFixture;
let globex: TenantFixture;

const CREATE_RESOURCE =
  'mutation { createResource(name: "Room") { resource { id } userErrors { message } } }';
const RESOURCES = '{ resources { id name } }';
const LOGIN =
  'mutation ($email: EmailAddress!, $password: String!) { login(email: $email, password: $password) { session { token expiresAt } userErrors { code field message } } }';

beforeAll(async () => {
  t = await startTestApp();
  acme = await createTenant(t, 'acme');
  globex = await createTenant(t, 'globex');
});
afterAll(() => t?.close());

function code(res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) {
  return res.errors?.[0]?.extensions?.code;
}

describe('authentication', () => {
  it('refuses admin operations with no credential', async () => {
    const res = await t.gql(RESOURCES, {}, { tenant: 'acme' });
    expect(code(res)).toBe('UNAUTHENTICATED');
    expect(res.data ?? null).toBeNull();
  });

  it.each([
    ['an unknown session token', 'bks_bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtMTIzNDU2Nzg5MA'],
    ['an unknown API key', 'bka_bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtMTIzNDU2Nzg5MA'],
    ['a token of no known kind', 'just-some-string'],
  ])('refuses %s with 401 and one message for all', async (_name, token) => {
    const res = await t.gql(RESOURCES, {}, { tenant: 'acme', token });
    expect(res.status).toBe(401);
    expect(code(res)).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0]?.message).toBe('Invalid or expired credential');
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await t.gql(
      RESOURCES,
      {},
      { tenant: 'acme', headers: { authorization: 'Basic abc' } },
    );
    expect(res.status).toBe(401);
    expect(code(res)).toBe('UNAUTHENTICATED');
  });

  it('refuses a credential of another tenant exactly like an unknown one', async () => {
    const res = await t.gql(RESOURCES, {}, { tenant: 'globex', token: acme.token });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.message).toBe('Invalid or expired credential');
    const key = await createApiKey(t, acme, 'ADMIN');
    const byKey = await t.gql(RESOURCES, {}, { path: '/t/globex/graphql', token: key.secret });
    expect(byKey.status).toBe(401);
    expect(byKey.errors?.[0]?.message).toBe('Invalid or expired credential');
  });

  it('refuses an expired session', async () => {
    const token = await login(t, 'acme', acme.adminEmail, acme.adminPassword);
    expect((await t.gql(RESOURCES, {}, { tenant: 'acme', token })).data).toBeTruthy();
    const tokenHash = createHash('sha256').update(token).digest('hex');
    const expired = await sql(
      t.database,
      "update session set expires_at = now() - interval '1 second' where token_hash = $1 returning id",
      [tokenHash],
    );
    expect(expired).toHaveLength(1);
    const res = await t.gql(RESOURCES, {}, { tenant: 'acme', token });
    expect(res.status).toBe(401);
    expect(code(res)).toBe('UNAUTHENTICATED');
    expect((await t.gql(RESOURCES, {}, { tenant: 'acme', token: acme.token })).status).toBe(200);
  });
});

describe('login and logout', () => {
  it('gives the same answer for an unknown email and a wrong password', async () => {
    const unknown = await t.gql(
      LOGIN,
      { email: 'nobody@acme.example', password: acme.adminPassword },
      { tenant: 'acme' },
    );
    const wrong = await t.gql(
      LOGIN,
      { email: acme.adminEmail, password: 'wrong-password-here' },
      { tenant: 'acme' },
    );
    expect(unknown.data).toEqual(wrong.data);
    expect(wrong.data).toEqual({
      login: {
        session: null,
        userErrors: [
          { code: 'INVALID_INPUT', field: null, message: 'Email or password is incorrect' },
        ],
      },
    });
  });

  it("does not log in to another tenant with a user's email and password", async () => {
    const res = await t.gql(
      LOGIN,
      { email: acme.adminEmail, password: acme.adminPassword },
      { tenant: 'globex' },
    );
    expect(res.data).toMatchObject({ login: { session: null } });
  });

  it('logs in case-insensitively by email, and logout revokes the session', async () => {
    const res = await t.gql<{ login: { session: { token: string; expiresAt: string } } }>(
      LOGIN,
      { email: acme.adminEmail.toUpperCase(), password: acme.adminPassword },
      { tenant: 'acme' },
    );
    const session = res.data?.login.session;
    expect(session?.token).toMatch(/^bks_[A-Za-z0-9_-]{43}$/);
    expect(new Date(session?.expiresAt ?? 0).getTime()).toBeGreaterThan(Date.now());
    const token = session?.token ?? '';
    const me = await t.gql(
      '{ me { kind role email tenant { slug } } }',
      {},
      { tenant: 'acme', token },
    );
    expect(me.data).toEqual({
      me: { kind: 'USER', role: 'ADMIN', email: acme.adminEmail, tenant: { slug: 'acme' } },
    });
    expect((await t.gql('mutation { logout }', {}, { tenant: 'acme', token })).data).toEqual({
      logout: true,
    });
    const after = await t.gql(RESOURCES, {}, { tenant: 'acme', token });
    expect(after.status).toBe(401);
    expect(code(after)).toBe('UNAUTHENTICATED');
  });

  it('stores passwords as Argon2id and session tokens only as hashes', async () => {
    const users = await sql<{ password_hash: string }>(
      t.database,
      'select password_hash from app_user',
    );
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) expect(u.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const sessions = await sql<{ token_hash: string }>(
      t.database,
      'select token_hash from session',
    );
    for (const s of sessions) expect(s.token_hash).toMatch(/^[0-9a-f]{64}$/);
    const raw = await sql(t.database, 'select 1 from session where token_hash = $1', [acme.token]);
    expect(raw).toHaveLength(0);
  });
});

describe('API keys and roles', () => {
  it('shows the secret once, stores only its hash, and lists the prefix', async () => {
    const key = await createApiKey(t, acme, 'PARTNER');
    expect(key.secret).toMatch(/^bka_[A-Za-z0-9_-]{43}$/);
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    expect(key.prefix).toHaveLength(12);
    const list = await t.gql<{ apiKeys: Array<Record<string, unknown>> }>(
      '{ apiKeys { id name role prefix createdAt lastUsedAt } }',
      {},
      { tenant: 'acme', token: acme.token },
    );
    expect(JSON.stringify(list.data)).not.toContain(key.secret);
    expect(list.data?.apiKeys).toContainEqual(
      expect.objectContaining({ id: key.id, prefix: key.prefix, role: 'PARTNER' }),
    );
    const stored = await sql(
      t.database,
      'select 1 from api_key where secret_hash = $1 or prefix = $1',
      [key.secret],
    );
    expect(stored).toHaveLength(0);
  });

  it('lets an ADMIN key administer and records when it was used', async () => {
    const key = await createApiKey(t, acme, 'ADMIN');
    const res = await t.gql<{ createResource: { resource: { id: string } } }>(
      CREATE_RESOURCE,
      {},
      { token: key.secret },
    );
    expect(res.data?.createResource.resource.id).toBeTruthy();
    const me = await t.gql('{ me { kind role email name } }', {}, { token: key.secret });
    expect(me.data).toEqual({ me: { kind: 'API_KEY', role: 'ADMIN', email: null, name: 'key' } });
    const [row] = await sql<{ last_used_at: Date | null }>(
      t.database,
      'select last_used_at from api_key where id = $1',
      [key.id],
    );
    expect(row?.last_used_at).toBeInstanceOf(Date);
  });

  it('refuses mutations and admin reads to a PARTNER key', async () => {
    const key = await createApiKey(t, acme, 'PARTNER');
    const before = await sql(t.database, 'select id from resource');
    const res = await t.gql(CREATE_RESOURCE, {}, { token: key.secret });
    expect(code(res)).toBe('FORBIDDEN');
    expect(await sql(t.database, 'select id from resource')).toHaveLength(before.length);
    for (const op of [
      RESOURCES,
      '{ apiKeys { id } }',
      'mutation { createApiKey(name: "x", role: ADMIN) { secret } }',
    ]) {
      expect(code(await t.gql(op, {}, { token: key.secret }))).toBe('FORBIDDEN');
    }
  });

  it('refuses a revoked key', async () => {
    const key = await createApiKey(t, acme, 'ADMIN');
    const revoked = await t.gql(
      'mutation ($id: ID!) { revokeApiKey(id: $id) { deletedId userErrors { code } } }',
      { id: key.id },
      { tenant: 'acme', token: acme.token },
    );
    expect(revoked.data).toEqual({ revokeApiKey: { deletedId: key.id, userErrors: [] } });
    const res = await t.gql(RESOURCES, {}, { token: key.secret });
    expect(res.status).toBe(401);
  });

  it('keeps platform operations to the platform operator', async () => {
    const input = {
      slug: 'x-corp',
      name: 'X',
      timeZone: 'UTC',
      email: 'x@x.example',
      adminEmail: 'a@x.example',
      adminPassword: 'long-enough-password',
    };
    const op =
      'mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }';
    expect(code(await t.gql(op, { input }))).toBe('UNAUTHENTICATED');
    expect(code(await t.gql(op, { input }, { token: acme.token }))).toBe('FORBIDDEN');
    expect(
      code(await t.gql(op, { input }, { token: 'wrong-platform-token-0123456789abcdef' })),
    ).toBe('UNAUTHENTICATED');
    const ok = await t.gql<{ createTenant: { tenant: { id: string } } }>(
      op,
      { input },
      { token: PLATFORM_TOKEN },
    );
    expect(ok.data?.createTenant.tenant.id).toBeTruthy();
    expect(
      code(
        await t.gql(
          'mutation { setTenantActive(slug: "globex", active: false) { tenant { id } } }',
          {},
          { token: globex.token },
        ),
      ),
    ).toBe('FORBIDDEN');
    const me = await t.gql('{ me { kind role tenant { slug } } }', {}, { token: PLATFORM_TOKEN });
    expect(me.data).toEqual({ me: { kind: 'PLATFORM', role: null, tenant: null } });
  });
});
