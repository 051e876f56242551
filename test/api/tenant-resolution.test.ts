import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  PLATFORM_TOKEN,
  startTestApp,
  type TenantFixture,
  type TestApp,
} from '../helpers/app.js';

const TENANT_QUERY = '{ tenant { id slug } }';

let t: TestApp;
let acme: TenantFixture;
let globex: TenantFixture;

beforeAll(async () => {
  t = await startTestApp();
  acme = await createTenant(t, 'acme');
  globex = await createTenant(t, 'globex', { subdomain: 'globex-shop' });
});
afterAll(() => t?.close());

const host = (label: string) => ({ host: `${label}.booking.test` });

describe('tenant resolution', () => {
  it('resolves from the X-Tenant header', async () => {
    const res = await t.gql(TENANT_QUERY, {}, { tenant: 'acme' });
    expect(res.data).toEqual({ tenant: { id: acme.id, slug: 'acme' } });
  });

  it('resolves from the /t/<slug>/graphql path', async () => {
    const res = await t.gql(TENANT_QUERY, {}, { path: '/t/globex/graphql' });
    expect(res.data).toEqual({ tenant: { id: globex.id, slug: 'globex' } });
  });

  it("resolves from the Host subdomain, using the tenant's subdomain", async () => {
    const a = await t.gql(TENANT_QUERY, {}, { headers: host('acme') });
    expect(a.data).toEqual({ tenant: { id: acme.id, slug: 'acme' } });
    const g = await t.gql(TENANT_QUERY, {}, { headers: host('globex-shop') });
    expect(g.data).toEqual({ tenant: { id: globex.id, slug: 'globex' } });
  });

  it('accepts several sources that agree', async () => {
    const res = await t.gql(
      TENANT_QUERY,
      {},
      { headers: host('globex-shop'), tenant: 'globex', path: '/t/globex/graphql' },
    );
    expect(res.data).toEqual({ tenant: { id: globex.id, slug: 'globex' } });
  });

  it.each([
    ['header vs path', { tenant: 'acme', path: '/t/globex/graphql' }],
    ['subdomain vs header', { headers: host('acme'), tenant: 'globex' }],
    ['subdomain vs path', { headers: host('globex-shop'), path: '/t/acme/graphql' }],
  ])('rejects conflicting sources (%s)', async (_name, options) => {
    const res = await t.gql(TENANT_QUERY, {}, options);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('TENANT_CONFLICT');
    expect(res.data ?? null).toBeNull();
  });

  it.each([
    ['header', { tenant: 'nobody' }],
    ['path', { path: '/t/nobody/graphql' }],
    ['subdomain', { headers: host('nobody') }],
    ['malformed header', { tenant: 'NOT A SLUG!' }],
  ])(
    'answers an unknown tenant (%s) with TENANT_NOT_FOUND, never a default',
    async (_name, options) => {
      const res = await t.gql(TENANT_QUERY, {}, options);
      expect(res.status).toBe(404);
      expect(res.errors?.[0]?.extensions?.code).toBe('TENANT_NOT_FOUND');
    },
  );

  it('needs a tenant for tenant operations', async () => {
    const res = await t.gql(TENANT_QUERY);
    expect(res.errors?.[0]?.extensions?.code).toBe('TENANT_REQUIRED');
    const services = await t.gql('{ services { id } }');
    expect(services.errors?.[0]?.extensions?.code).toBe('TENANT_REQUIRED');
  });

  it('takes the tenant from a credential when the request names none', async () => {
    const res = await t.gql(TENANT_QUERY, {}, { token: acme.token });
    expect(res.data).toEqual({ tenant: { id: acme.id, slug: 'acme' } });
  });

  it('refuses every request for an inactive tenant, and serves it again once reactivated', async () => {
    const inactive = await createTenant(t, 'sleepy');
    const off = await t.gql(
      'mutation { setTenantActive(slug: "sleepy", active: false) { tenant { active } userErrors { message } } }',
      {},
      { token: PLATFORM_TOKEN },
    );
    expect(off.data).toEqual({ setTenantActive: { tenant: { active: false }, userErrors: [] } });
    for (const options of [
      { tenant: 'sleepy' },
      { path: '/t/sleepy/graphql' },
      { token: inactive.token },
    ]) {
      const res = await t.gql(TENANT_QUERY, {}, options);
      expect(res.status).toBe(403);
      expect(res.errors?.[0]?.extensions?.code).toBe('TENANT_INACTIVE');
    }
    await t.gql(
      'mutation { setTenantActive(slug: "sleepy", active: true) { tenant { active } } }',
      {},
      { token: PLATFORM_TOKEN },
    );
    const back = await t.gql(TENANT_QUERY, {}, { tenant: 'sleepy' });
    expect(back.data).toEqual({ tenant: { id: inactive.id, slug: 'sleepy' } });
  });
});
