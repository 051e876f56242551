import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiKey,
  createTenant,
  startTestApp,
  type TenantFixture,
  type TestApp,
} from '../helpers/app.js';
import { sql } from '../helpers/database.js';

/**
 * Tenant A's admin session, ADMIN API key and PARTNER key against tenant B's rows. B's ids must
 * answer exactly like ids that do not exist, and nothing of B's may change.
 */
let t: TestApp;
let a: TenantFixture;
let b: TenantFixture;
let bServiceId: string;
let bResourceId: string;
let bKeyId: string;
let aServiceId: string;
const credentials: Array<[string, () => string]> = [];

const SERVICE_INPUT = { name: 'Cut', durationMinutes: 30 };

beforeAll(async () => {
  t = await startTestApp();
  a = await createTenant(t, 'tenant-a');
  b = await createTenant(t, 'tenant-b');
  const bService = await t.gql<{
    createService: { service: { id: string; resource: { id: string } } };
  }>(
    'mutation ($input: ServiceInput!) { createService(input: $input) { service { id resource { id } } } }',
    { input: SERVICE_INPUT },
    { tenant: b.slug, token: b.token },
  );
  bServiceId = bService.data?.createService.service.id ?? '';
  bResourceId = bService.data?.createService.service.resource.id ?? '';
  bKeyId = (await createApiKey(t, b, 'ADMIN')).id;
  const aService = await t.gql<{ createService: { service: { id: string } } }>(
    'mutation ($input: ServiceInput!) { createService(input: $input) { service { id } } }',
    { input: SERVICE_INPUT },
    { tenant: a.slug, token: a.token },
  );
  aServiceId = aService.data?.createService.service.id ?? '';
  const adminKey = await createApiKey(t, a, 'ADMIN');
  credentials.push(['session', () => a.token], ['ADMIN key', () => adminKey.secret]);
});
afterAll(() => t?.close());

/** Runs the operation with B's id and with an unknown id; the answers must be identical. */
async function sameAsUnknown(
  query: string,
  bId: string,
  vars: (id: string) => Record<string, unknown>,
  token: string,
) {
  const unknownId = randomUUID();
  const withB = await t.gql(query, vars(bId), { tenant: a.slug, token });
  const withUnknown = await t.gql(query, vars(unknownId), { tenant: a.slug, token });
  expect(JSON.stringify(withB).replaceAll(bId, 'ID')).toBe(
    JSON.stringify(withUnknown).replaceAll(unknownId, 'ID'),
  );
  return withB;
}

async function snapshotOfB() {
  return {
    services: await sql(t.database, 'select * from service where tenant_id = $1 order by id', [
      b.id,
    ]),
    resources: await sql(t.database, 'select * from resource where tenant_id = $1 order by id', [
      b.id,
    ]),
    keys: await sql(t.database, 'select * from api_key where tenant_id = $1 order by id', [b.id]),
    tenant: await sql(t.database, 'select * from tenant where id = $1', [b.id]),
  };
}

describe.each(['session', 'ADMIN key'])("tenant A's %s cannot reach tenant B", (credentialName) => {
  const token = () => (credentials.find(([n]) => n === credentialName)?.[1] ?? (() => ''))();

  it("cannot read B's service by id", async () => {
    const res = await sameAsUnknown(
      'query ($id: ID!) { service(id: $id) { id name } }',
      bServiceId,
      (id) => ({ id }),
      token(),
    );
    expect(res.data).toEqual({ service: null });
  });

  it('lists only its own services, resources and keys', async () => {
    const res = await t.gql<{
      services: Array<{ id: string }>;
      resources: Array<{ id: string }>;
      apiKeys: Array<{ id: string }>;
    }>(
      '{ services(includeInactive: true) { id } resources { id } apiKeys { id } }',
      {},
      { tenant: a.slug, token: token() },
    );
    const ids = JSON.stringify(res.data);
    expect(res.data?.services.map((s) => s.id)).toEqual([aServiceId]);
    for (const id of [bServiceId, bResourceId, bKeyId]) expect(ids).not.toContain(id);
  });

  it("cannot change B's rows through any mutation", async () => {
    const before = await snapshotOfB();
    const update = await sameAsUnknown(
      'mutation ($id: ID!, $input: ServiceInput!) { updateService(id: $id, input: $input) { service { id } userErrors { code field message } } }',
      bServiceId,
      (id) => ({ id, input: { ...SERVICE_INPUT, name: 'Hijacked' } }),
      token(),
    );
    expect(update.data).toMatchObject({
      updateService: { service: null, userErrors: [{ code: 'NOT_FOUND' }] },
    });
    await sameAsUnknown(
      'mutation ($id: ID!) { setServiceActive(id: $id, active: false) { service { id } userErrors { code field message } } }',
      bServiceId,
      (id) => ({ id }),
      token(),
    );
    await sameAsUnknown(
      'mutation ($id: ID!) { revokeApiKey(id: $id) { deletedId userErrors { code field message } } }',
      bKeyId,
      (id) => ({ id }),
      token(),
    );
    const create = await sameAsUnknown(
      'mutation ($input: ServiceInput!) { createService(input: $input) { service { id } userErrors { code field message } } }',
      bResourceId,
      (id) => ({ input: { ...SERVICE_INPUT, resourceId: id } }),
      token(),
    );
    expect(create.data).toMatchObject({
      createService: {
        service: null,
        userErrors: [{ code: 'NOT_FOUND', field: ['input', 'resourceId'] }],
      },
    });
    await sameAsUnknown(
      'mutation ($id: ID!, $input: ServiceInput!) { updateService(id: $id, input: $input) { service { id } userErrors { code field message } } }',
      bResourceId,
      (id) => ({ id: aServiceId, input: { ...SERVICE_INPUT, resourceId: id } }),
      token(),
    );
    const tenantUpdate = await t.gql(
      'mutation { updateTenant(input: { name: "Renamed A" }) { tenant { id } } }',
      {},
      { tenant: a.slug, token: token() },
    );
    expect(tenantUpdate.data).toEqual({ updateTenant: { tenant: { id: a.id } } });
    expect(await snapshotOfB()).toEqual(before);
  });
});

describe("tenant A's PARTNER key", () => {
  it('cannot read or change anything of B', async () => {
    const partner = await createApiKey(t, a, 'PARTNER');
    const res = await sameAsUnknown(
      'query ($id: ID!) { service(id: $id) { id } }',
      bServiceId,
      (id) => ({ id }),
      partner.secret,
    );
    expect(res.data).toEqual({ service: null });
    const other = await t.gql('{ tenant { id } }', {}, { tenant: b.slug, token: partner.secret });
    expect(other.status).toBe(401);
  });
});

describe('the tenant filter', () => {
  it('is carried by every entity that has a tenant', async () => {
    const metadata = t.app.orm.getMetadata().getAll();
    const owned = [...metadata.values()].filter((meta) => meta.properties.tenant !== undefined);
    expect(owned.map((m) => m.className).sort()).toEqual([
      'ApiKey',
      'AuditEvent',
      'Blackout',
      'Booking',
      'BookingEvent',
      'BookingResource',
      'DateOverride',
      'Invitation',
      'Notification',
      'PasswordReset',
      'ReminderRule',
      'Resource',
      'Service',
      'ServiceResource',
      'Session',
      'User',
      'UserResource',
      'WebhookAttempt',
      'WebhookDelivery',
      'WebhookEndpoint',
    ]);
    for (const meta of owned) {
      expect(meta.filters.tenant, `${meta.className} has no tenant filter`).toMatchObject({
        default: true,
      });
    }
  });

  it('fails closed: a query on a fork with no tenant set throws instead of reading every tenant', async () => {
    const { Service } = await import('../../src/catalog/service.entity.js');
    const em = t.app.orm.em.fork();
    await expect(em.find(Service, {})).rejects.toThrow(/tenant/);
  });
});
