import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  PLATFORM_TOKEN,
  startTestApp,
  type TenantFixture,
  type TestApp,
} from '../helpers/app.js';
import { sql } from '../helpers/database.js';

let t: TestApp;
let acme: TenantFixture;

beforeAll(async () => {
  t = await startTestApp();
  acme = await createTenant(t, 'acme');
});
afterAll(() => t?.close());

const CREATE_SERVICE =
  'mutation ($input: ServiceInput!) { createService(input: $input) { service { id } userErrors { code field message } } }';
const VALID = { name: 'Cut', durationMinutes: 30 };

async function rowCounts() {
  const [row] = await sql<{ tenants: string; services: string; resources: string; users: string }>(
    t.database,
    'select (select count(*) from tenant) tenants, (select count(*) from service) services, (select count(*) from resource) resources, (select count(*) from app_user) users',
  );
  return row;
}

describe('service validation', () => {
  it.each([
    [{ durationMinutes: 0 }, 'durationMinutes', 'durationMinutes must be positive'],
    [{ durationMinutes: -15 }, 'durationMinutes', 'durationMinutes must be positive'],
    [{ durationMinutes: 1441 }, 'durationMinutes', 'at most 1440'],
    [{ slotIntervalMinutes: 0 }, 'slotIntervalMinutes', 'slotIntervalMinutes must be positive'],
    [{ bufferBeforeMinutes: -1 }, 'bufferBeforeMinutes', 'bufferBeforeMinutes must be 0 or more'],
    [{ bufferAfterMinutes: -5 }, 'bufferAfterMinutes', 'bufferAfterMinutes must be 0 or more'],
    [{ capacity: 0 }, 'capacity', 'capacity must be at least 1'],
    [{ priceMinor: -1, currency: 'GBP' }, 'priceMinor', 'priceMinor must be 0 or more'],
    [{ priceMinor: 100, currency: 'XYZ' }, 'currency', 'ISO 4217'],
    [{ priceMinor: 100 }, 'currency', 'priceMinor and currency must be given together'],
    [{ currency: 'EUR' }, 'currency', 'priceMinor and currency must be given together'],
    [{ name: '' }, 'name', 'name must be 1 to 200 characters'],
    [{ name: 'x'.repeat(201) }, 'name', 'name must be 1 to 200 characters'],
    [
      { description: 'x'.repeat(2001) },
      'description',
      'description must be shorter than or equal to 2000',
    ],
    [{ minimumNoticeMinutes: -1 }, 'minimumNoticeMinutes', 'must be 0 or more'],
    [{ maxAdvanceDays: 0 }, 'maxAdvanceDays', 'must be at least 1'],
  ])('refuses %o naming input.%s, writing nothing', async (override, field, message) => {
    const before = await rowCounts();
    const res = await t.gql<{
      createService: {
        service: null;
        userErrors: Array<{ code: string; field: string[]; message: string }>;
      };
    }>(CREATE_SERVICE, { input: { ...VALID, ...override } }, { tenant: 'acme', token: acme.token });
    expect(res.data?.createService.service).toBeNull();
    expect(res.data?.createService.userErrors).toContainEqual({
      code: 'INVALID_INPUT',
      field: ['input', field],
      message: expect.stringContaining(message),
    });
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses an unknown resource with NOT_FOUND on input.resourceId', async () => {
    const res = await t.gql(
      CREATE_SERVICE,
      { input: { ...VALID, resourceId: '00000000-0000-4000-8000-000000000000' } },
      { tenant: 'acme', token: acme.token },
    );
    expect(res.data).toMatchObject({
      createService: {
        service: null,
        userErrors: [{ code: 'NOT_FOUND', field: ['input', 'resourceId'] }],
      },
    });
    const notAnId = await t.gql(
      CREATE_SERVICE,
      { input: { ...VALID, resourceId: 'not-an-id' } },
      { tenant: 'acme', token: acme.token },
    );
    expect(notAnId.data).toMatchObject({ createService: { userErrors: [{ code: 'NOT_FOUND' }] } });
  });

  it('reports every broken rule at once', async () => {
    const res = await t.gql<{ createService: { userErrors: Array<{ field: string[] }> } }>(
      CREATE_SERVICE,
      { input: { name: '', durationMinutes: 0, capacity: 0 } },
      { tenant: 'acme', token: acme.token },
    );
    expect(res.data?.createService.userErrors.map((e) => e.field.join('.')).sort()).toEqual([
      'input.capacity',
      'input.durationMinutes',
      'input.name',
    ]);
  });

  it('accepts a full valid service, with the interval defaulting to the duration', async () => {
    const res = await t.gql<{ createService: { service: Record<string, unknown> } }>(
      'mutation ($input: ServiceInput!) { createService(input: $input) { service { name durationMinutes slotIntervalMinutes bufferBeforeMinutes bufferAfterMinutes capacity priceMinor currency requiresConfirmation minimumNoticeMinutes maxAdvanceDays active resource { name } } userErrors { message } } }',
      {
        input: {
          name: 'Colour',
          durationMinutes: 90,
          bufferAfterMinutes: 15,
          capacity: 1,
          priceMinor: 12000,
          currency: 'GBP',
          requiresConfirmation: true,
          maxAdvanceDays: 30,
        },
      },
      { tenant: 'acme', token: acme.token },
    );
    expect(res.data?.createService.service).toEqual({
      name: 'Colour',
      durationMinutes: 90,
      slotIntervalMinutes: 90,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 15,
      capacity: 1,
      priceMinor: 12000,
      currency: 'GBP',
      requiresConfirmation: true,
      minimumNoticeMinutes: null,
      maxAdvanceDays: 30,
      active: true,
      resource: { name: 'Business acme' },
    });
  });

  it('updates and deactivates a service; the public then no longer sees it', async () => {
    const created = await t.gql<{ createService: { service: { id: string } } }>(
      CREATE_SERVICE,
      { input: VALID },
      { tenant: 'acme', token: acme.token },
    );
    const id = created.data?.createService.service.id;
    const updated = await t.gql(
      'mutation ($id: ID!, $input: ServiceInput!) { updateService(id: $id, input: $input) { service { name slotIntervalMinutes } userErrors { message } } }',
      { id, input: { ...VALID, name: 'Long cut', slotIntervalMinutes: 15 } },
      { tenant: 'acme', token: acme.token },
    );
    expect(updated.data).toEqual({
      updateService: { service: { name: 'Long cut', slotIntervalMinutes: 15 }, userErrors: [] },
    });
    await t.gql(
      'mutation ($id: ID!) { setServiceActive(id: $id, active: false) { service { active } } }',
      { id },
      { tenant: 'acme', token: acme.token },
    );
    const publicView = await t.gql<{ services: Array<{ id: string }>; service: null }>(
      'query ($id: ID!) { services { id } service(id: $id) { id } }',
      { id },
      { tenant: 'acme' },
    );
    expect(publicView.data?.services.map((s) => s.id)).not.toContain(id);
    expect(publicView.data?.service).toBeNull();
    const hidden = await t.gql(
      '{ services(includeInactive: true) { id } }',
      {},
      { tenant: 'acme' },
    );
    expect(hidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const admin = await t.gql<{ services: Array<{ id: string; active: boolean }> }>(
      '{ services(includeInactive: true) { id active } }',
      {},
      { tenant: 'acme', token: acme.token },
    );
    expect(admin.data?.services).toContainEqual({ id, active: false });
  });
});

describe('tenant validation', () => {
  const CREATE_TENANT =
    'mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } userErrors { code field message } } }';
  const tenantInput = {
    slug: 'new-biz',
    name: 'New Biz',
    timeZone: 'America/New_York',
    email: 'hello@new.example',
    adminEmail: 'owner@new.example',
    adminPassword: 'a-long-enough-password',
  };

  it.each([
    [{ slug: 'Upper' }, 'slug', 'lower-case letters, digits and hyphens'],
    [{ slug: '-dash' }, 'slug', 'lower-case letters'],
    [{ slug: 'has space' }, 'slug', 'lower-case letters'],
    [{ slug: 'acme' }, 'slug', 'already taken'],
    [{ subdomain: 'acme' }, 'subdomain', 'already taken'],
    [{ subdomain: 'Bad_Label' }, 'subdomain', 'lower-case letters'],
    [{ adminPassword: 'short' }, 'adminPassword', 'at least 12 characters'],
    [{ name: '' }, 'name', 'name must be 1 to 200 characters'],
  ])('refuses %o naming input.%s, writing nothing', async (override, field, message) => {
    const before = await rowCounts();
    const res = await t.gql(
      CREATE_TENANT,
      { input: { ...tenantInput, ...override } },
      { token: PLATFORM_TOKEN },
    );
    expect(res.data).toMatchObject({ createTenant: { tenant: null } });
    expect(
      (res.data as { createTenant: { userErrors: unknown[] } }).createTenant.userErrors,
    ).toContainEqual({
      code: 'INVALID_INPUT',
      field: ['input', field],
      message: expect.stringContaining(message),
    });
    expect(await rowCounts()).toEqual(before);
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }, 'timeZone', 'IANA time-zone'],
    [{ timeZone: '+01:00' }, 'timeZone', 'IANA time-zone'],
    [{ timeZone: 'Europe/Londres' }, 'timeZone', 'IANA time-zone'],
    [{ email: 'not-an-email' }, 'email', 'email address'],
  ])(
    'refuses a malformed scalar %o with an error naming input.%s',
    async (override, field, message) => {
      const before = await rowCounts();
      const res = await t.gql(
        CREATE_TENANT,
        { input: { ...tenantInput, ...override } },
        { token: PLATFORM_TOKEN },
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toContain(`"input.${field}"`);
      expect(res.errors?.[0]?.message).toContain(message);
      expect(await rowCounts()).toEqual(before);
    },
  );

  it('creates a tenant with its first resource and admin, in the zone given', async () => {
    const res = await t.gql<{ createTenant: { tenant: { id: string } } }>(
      'mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id slug subdomain timeZone active minimumNoticeMinutes maxAdvanceDays cancellationNoticeMinutes allowedOrigins } userErrors { message } } }',
      { input: { ...tenantInput, timeZone: 'asia/kolkata' } },
      { token: PLATFORM_TOKEN },
    );
    expect(res.data?.createTenant.tenant).toMatchObject({
      slug: 'new-biz',
      subdomain: 'new-biz',
      timeZone: 'Asia/Kolkata',
      active: true,
      minimumNoticeMinutes: 60,
      maxAdvanceDays: 90,
      cancellationNoticeMinutes: 1440,
      allowedOrigins: [],
    });
    const id = res.data?.createTenant.tenant.id;
    expect(await sql(t.database, 'select name from resource where tenant_id = $1', [id])).toEqual([
      { name: 'New Biz' },
    ]);
    expect(
      await sql(t.database, 'select email, role from app_user where tenant_id = $1', [id]),
    ).toEqual([{ email: 'owner@new.example', role: 'ADMIN' }]);
  });

  it('updates only the fields given, and validates them', async () => {
    const UPDATE =
      'mutation ($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { name timeZone phone allowedOrigins minimumNoticeMinutes } userErrors { code field message } } }';
    const ok = await t.gql(
      UPDATE,
      {
        input: {
          phone: '+44 20 7946 0000',
          allowedOrigins: ['https://www.acme.example/', 'http://localhost:3000'],
        },
      },
      { tenant: 'acme', token: acme.token },
    );
    expect(ok.data).toEqual({
      updateTenant: {
        tenant: {
          name: 'Business acme',
          timeZone: 'Europe/London',
          phone: '+44 20 7946 0000',
          allowedOrigins: ['https://www.acme.example', 'http://localhost:3000'],
          minimumNoticeMinutes: 60,
        },
        userErrors: [],
      },
    });
    const before = await sql(t.database, 'select * from tenant where slug = $1', ['acme']);
    const bad = await t.gql<{ updateTenant: { userErrors: Array<{ field: string[] }> } }>(
      UPDATE,
      {
        input: {
          name: null,
          minimumNoticeMinutes: -1,
          allowedOrigins: ['ftp://x.example', 'https://x.example/path'],
        },
      },
      { tenant: 'acme', token: acme.token },
    );
    expect(bad.data?.updateTenant.userErrors.map((e) => e.field.join('.')).sort()).toEqual([
      'input.allowedOrigins.0',
      'input.allowedOrigins.1',
      'input.minimumNoticeMinutes',
      'input.name',
    ]);
    expect(await sql(t.database, 'select * from tenant where slug = $1', ['acme'])).toEqual(before);
  });
});
