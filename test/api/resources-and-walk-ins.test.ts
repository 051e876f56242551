import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.js';
import {
  createApiKey,
  type GraphQLResult,
  type RequestOptions,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { type Scenario, scenario, weekdays } from '../helpers/scenario.js';

// Issue 17, first part: resources renamed, taken out of service and deleted; services
// deleted; a booking's details edited; an admin's walk-in past the public rules.

/** Wednesday 2027-03-03 10:00 UTC. */
const NOW = Date.parse('2027-03-03T10:00:00Z');
const at = (iso: string) => new Date(Date.parse(iso)).toISOString();

let t: TestApp;
let s: Scenario;
let partnerKey: string;

const BOOK = `mutation ($input: CreateBookingInput!) {
  createBooking(input: $input) {
    booking { id status startsAt endsAt }
    userErrors { code field message }
  }
}`;
const RESCHEDULE = `mutation ($id: ID!, $startsAt: DateTime!, $bypass: Boolean) {
  rescheduleBooking(id: $id, startsAt: $startsAt, bypassPolicy: $bypass) {
    booking { id startsAt }
    userErrors { code field message }
  }
}`;
const UPDATE_RESOURCE = `mutation ($id: ID!, $input: ResourceInput!) {
  updateResource(id: $id, input: $input) {
    resource { id name active }
    userErrors { code field message }
  }
}`;
const DELETE_RESOURCE = `mutation ($id: ID!) {
  deleteResource(id: $id) { deletedId userErrors { code field message } }
}`;
const DELETE_SERVICE = `mutation ($id: ID!) {
  deleteService(id: $id) { deletedId userErrors { code field message } }
}`;
const DETAILS = `mutation ($id: ID!, $input: BookingDetailsInput!) {
  updateBookingDetails(id: $id, input: $input) {
    booking { id customerName customerEmail customerPhone notes }
    userErrors { code field message }
  }
}`;
const SLOTS = `query ($s: ID!) { slots(serviceId: $s, from: "2027-03-04", to: "2027-03-04") { startsAt } }`;

type Payload<K extends string, V> = Record<
  K,
  V & { userErrors: Array<{ code: string; field: string[] | null; message: string }> }
>;
type Booked = Payload<
  'createBooking',
  { booking: { id: string; status: string; startsAt: string } | null }
>;

const asAdmin = () => ({ tenant: s.tenant.slug, token: s.tenant.token });
const asPublic = () => ({ tenant: s.tenant.slug });
const asPartner = () => ({ tenant: s.tenant.slug, token: partnerKey });

function book(
  startsAt: string,
  extra: Record<string, unknown> = {},
  as: RequestOptions = asAdmin(),
) {
  return t.gql<Booked>(
    BOOK,
    {
      input: {
        serviceId: s.serviceId,
        startsAt,
        customer: { name: 'Walk In', email: 'walk.in@example.com' },
        ...extra,
      },
    },
    as,
  );
}

const bookingCount = async () =>
  Number(
    (
      await sql<{ n: string }>(t.database, 'select count(*) n from booking where tenant_id = $1', [
        s.tenant.id,
      ])
    )[0]?.n,
  );

const auditOf = (entityId: string) =>
  sql<{ action: string; changes: Record<string, unknown> | null; actor_label: string }>(
    t.database,
    'select action, changes, actor_label from audit_event where entity_id = $1 order by created_at',
    [entityId],
  );

function refusedOnly(res: GraphQLResult) {
  expect(res.data ?? null).toBeNull();
  expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(res.errors?.[0]?.extensions?.code);
}

beforeAll(async () => {
  t = await startTestApp({ EMAIL_ENABLED: 'false' }, { clock: () => NOW });
  // Weekdays 09:00-17:00 UTC, an hour's notice, hour-long appointments on the hour.
  s = await scenario(t, 'walk-ins', {
    windows: weekdays('09:00', '17:00'),
    tenant: { minimumNoticeMinutes: 60 },
  });
  partnerKey = (await createApiKey(t, s.tenant, 'PARTNER')).secret;
});
afterAll(() => t?.close());

describe('a walk-in past the public rules (bypassPolicy)', () => {
  it('books 10 minutes ahead for an admin only, audited as an override', async () => {
    const walkIn = at('2027-03-03T10:10:00Z');
    const before = await bookingCount();
    // Inside the hour's notice and off the hourly grid: the public rules refuse it...
    const plain = await book(walkIn);
    expect(plain.data?.createBooking.booking).toBeNull();
    expect(plain.data?.createBooking.userErrors[0]?.code).toBe('SLOT_UNAVAILABLE');
    // ...and only an admin may say to bypass them.
    for (const as of [asPublic(), asPartner()]) {
      const refused = await book(walkIn, { bypassPolicy: true }, as);
      expect(refused.data?.createBooking.booking).toBeNull();
      expect(refused.data?.createBooking.userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_ALLOWED', field: ['input', 'bypassPolicy'] }),
      ]);
    }
    expect(await bookingCount()).toBe(before);

    const made = await book(walkIn, { bypassPolicy: true });
    expect(made.data?.createBooking.userErrors).toEqual([]);
    const booking = made.data?.createBooking.booking;
    expect(booking).toMatchObject({ status: 'CONFIRMED', startsAt: walkIn });
    const [created] = await auditOf(booking?.id ?? '');
    expect(created).toMatchObject({
      action: 'booking.created',
      actor_label: s.tenant.adminEmail,
      changes: expect.objectContaining({ bypassPolicy: true, startsAt: walkIn }),
    });
  });

  it('books as docs/API.md shows it', async () => {
    const doc = await readFile(path.join(PROJECT_ROOT, 'docs', 'API.md'), 'utf8');
    const block = /```graphql\n(mutation WalkIn[\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const query = block.replace(/^#.*$/gm, '');
    const variables = block
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) => line.slice(1))
      .join('');
    const other = await scenario(t, 'walk-ins-doc', {
      windows: weekdays('09:00', '17:00'),
      tenant: { minimumNoticeMinutes: 60 },
    });
    const res = await t.gql<Booked>(
      query,
      JSON.parse(variables.replace('"…"', JSON.stringify(other.serviceId))),
      { tenant: other.tenant.slug, token: other.tenant.token },
    );
    expect(res.data?.createBooking.userErrors).toEqual([]);
    expect(res.data?.createBooking.booking?.startsAt).toBe(at('2027-03-03T10:10:00Z'));
  });

  it('books outside the opening hours, but never over a booking or a blackout', async () => {
    const evening = await book(at('2027-03-03T21:15:00Z'), { bypassPolicy: true });
    expect(evening.data?.createBooking.booking?.status).toBe('CONFIRMED');
    const over = await book(at('2027-03-03T21:45:00Z'), { bypassPolicy: true });
    expect(over.data?.createBooking.userErrors[0]?.code).toBe('BOOKING_CONFLICT');

    await s.admin(
      'mutation ($input: BlackoutInput!) { createBlackout(input: $input) { blackout { id } } }',
      { input: { startsAt: at('2027-03-05T18:00:00Z'), endsAt: at('2027-03-05T20:00:00Z') } },
    );
    const blocked = await book(at('2027-03-05T18:30:00Z'), { bypassPolicy: true });
    expect(blocked.data?.createBooking.userErrors[0]?.code).toBe('SLOT_UNAVAILABLE');
  });

  it('moves a booking outside the hours when the admin says so, and audits it', async () => {
    const made = await book(at('2027-03-08T09:00:00Z'));
    const id = made.data?.createBooking.booking?.id as string;
    type Moved = Payload<'rescheduleBooking', { booking: { startsAt: string } | null }>;
    const plain = await t.gql<Moved>(
      RESCHEDULE,
      { id, startsAt: at('2027-03-08T19:00:00Z') },
      asAdmin(),
    );
    expect(plain.data?.rescheduleBooking.userErrors[0]?.code).toBe('SLOT_UNAVAILABLE');
    const moved = await t.gql<Moved>(
      RESCHEDULE,
      { id, startsAt: at('2027-03-08T19:00:00Z'), bypass: true },
      asAdmin(),
    );
    expect(moved.data?.rescheduleBooking.booking?.startsAt).toBe(at('2027-03-08T19:00:00Z'));
    const trail = await auditOf(id);
    expect(trail.at(-1)).toMatchObject({
      action: 'booking.rescheduled',
      changes: expect.objectContaining({ bypassPolicy: true }),
    });
  });
});

describe('resources', () => {
  type Updated = Payload<'updateResource', { resource: { name: string; active: boolean } | null }>;

  it('are renamed, audited with the actor', async () => {
    const res = await t.gql<Updated>(
      UPDATE_RESOURCE,
      { id: s.resourceId, input: { name: '  Sam (stylist)  ' } },
      asAdmin(),
    );
    expect(res.data?.updateResource.resource).toEqual({
      id: s.resourceId,
      name: 'Sam (stylist)',
      active: true,
    });
    const trail = await auditOf(s.resourceId);
    expect(trail.at(-1)).toMatchObject({
      action: 'resource.updated',
      actor_label: s.tenant.adminEmail,
      changes: { name: 'Sam (stylist)' },
    });
  });

  it('are taken out of service only when no future booking holds them', async () => {
    const made = await book(at('2027-03-04T11:00:00Z'));
    const id = made.data?.createBooking.booking?.id as string;
    const held = await t.gql<Updated>(
      UPDATE_RESOURCE,
      { id: s.resourceId, input: { active: false } },
      asAdmin(),
    );
    expect(held.data?.updateResource.resource).toBeNull();
    const [error] = held.data?.updateResource.userErrors ?? [];
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'active'] });
    const holding = (
      await sql<{ n: string }>(
        t.database,
        "select count(*) n from booking where resource_id = $1 and status <> 'CANCELLED' and ends_at > $2",
        [s.resourceId, new Date(NOW)],
      )
    )[0]?.n;
    expect(error?.message).toContain(`while ${holding} future booking(s) hold the resource`);

    // Cancel every future booking, then it can go out of service.
    const future = await sql<{ id: string }>(
      t.database,
      "select id from booking where resource_id = $1 and status <> 'CANCELLED' and ends_at > $2",
      [s.resourceId, new Date(NOW)],
    );
    expect(future.map((b) => b.id)).toContain(id);
    for (const b of future)
      await s.admin('mutation ($id: ID!) { cancelBooking(id: $id) { userErrors { message } } }', {
        id: b.id,
      });
    const off = await t.gql<Updated>(
      UPDATE_RESOURCE,
      { id: s.resourceId, input: { active: false } },
      asAdmin(),
    );
    expect(off.data?.updateResource.resource?.active).toBe(false);

    // Out of service: its services are not offered, not even past the rules.
    const slots = await t.gql<{ slots: unknown[] }>(SLOTS, { s: s.serviceId }, asPublic());
    expect(slots.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const listed = await t.gql<{ services: Array<{ id: string }> }>(
      '{ services { id } }',
      {},
      asPublic(),
    );
    expect(listed.data?.services.map((x) => x.id)).not.toContain(s.serviceId);
    const refused = await book(at('2027-03-04T11:00:00Z'), { bypassPolicy: true });
    expect(refused.data?.createBooking.userErrors[0]).toMatchObject({
      code: 'NOT_FOUND',
      field: ['input', 'serviceId'],
    });

    const on = await t.gql<Updated>(
      UPDATE_RESOURCE,
      { id: s.resourceId, input: { active: true } },
      asAdmin(),
    );
    expect(on.data?.updateResource.resource?.active).toBe(true);
    const back = await t.gql<{ slots: unknown[] }>(SLOTS, { s: s.serviceId }, asPublic());
    expect(back.data?.slots).toHaveLength(8);
  });

  it('refuse bad input naming the field, changing nothing', async () => {
    for (const input of [{ name: '   ' }, { name: null }, { active: null }, { name: 'a\tb' }]) {
      const res = await t.gql<Updated>(UPDATE_RESOURCE, { id: s.resourceId, input }, asAdmin());
      const field = Object.keys(input)[0] as string;
      expect(res.data?.updateResource.userErrors[0]?.field, JSON.stringify(input)).toEqual([
        'input',
        field,
      ]);
    }
    const [row] = await sql<{ name: string; active: boolean }>(
      t.database,
      'select name, active from resource where id = $1',
      [s.resourceId],
    );
    expect(row).toEqual({ name: 'Sam (stylist)', active: true });
  });

  it('are deleted only when nothing names them, with their hours and blackouts', async () => {
    type Deleted = Payload<'deleteResource', { deletedId: string | null }>;
    const used = await t.gql<Deleted>(DELETE_RESOURCE, { id: s.resourceId }, asAdmin());
    expect(used.data?.deleteResource.deletedId).toBeNull();
    expect(used.data?.deleteResource.userErrors[0]?.message).toMatch(
      /the service\(s\) "Appointment" use it; \d+ booking\(s\) name it/,
    );

    const created = await s.admin<{ createResource: { resource: { id: string } } }>(
      'mutation { createResource(name: "Room 2") { resource { id } } }',
    );
    const room = created.createResource.resource.id;
    await s.admin(
      'mutation ($r: ID!) { setDateOverride(resourceId: $r, date: "2027-04-01", windows: []) { userErrors { message } } }',
      { r: room },
    );
    await s.admin(
      'mutation ($input: BlackoutInput!) { createBlackout(input: $input) { blackout { id } } }',
      {
        input: {
          resourceId: room,
          startsAt: at('2027-04-02T00:00:00Z'),
          endsAt: at('2027-04-03T00:00:00Z'),
        },
      },
    );
    const gone = await t.gql<Deleted>(DELETE_RESOURCE, { id: room }, asAdmin());
    expect(gone.data?.deleteResource).toEqual({ deletedId: room, userErrors: [] });
    const left = await sql<{ n: string }>(
      t.database,
      `select (select count(*) from resource where id = $1) + (select count(*) from date_override where resource_id = $1)
            + (select count(*) from blackout where resource_id = $1) as n`,
      [room],
    );
    expect(Number(left[0]?.n)).toBe(0);
    expect((await auditOf(room)).at(-1)?.action).toBe('resource.deleted');
  });

  it('keep at least one per business', async () => {
    const lone = await scenario(t, 'walk-ins-lone', { windows: weekdays('09:00', '17:00') });
    await lone.admin('mutation ($id: ID!) { deleteService(id: $id) { deletedId } }', {
      id: lone.serviceId,
    });
    const res = await t.gql<Payload<'deleteResource', { deletedId: string | null }>>(
      DELETE_RESOURCE,
      { id: lone.resourceId },
      { tenant: lone.tenant.slug, token: lone.tenant.token },
    );
    expect(res.data?.deleteResource.userErrors[0]?.message).toContain(
      'it is the last resource of the business',
    );
  });

  it('of another tenant answer like unknown ones', async () => {
    const other = await scenario(t, 'walk-ins-other', { windows: weekdays('09:00', '17:00') });
    for (const [query, variables] of [
      [UPDATE_RESOURCE, { id: other.resourceId, input: { name: 'Mine now' } }],
      [DELETE_RESOURCE, { id: other.resourceId }],
      [DELETE_SERVICE, { id: other.serviceId }],
    ] as const) {
      const res = await t.gql<Record<string, { userErrors: Array<{ code: string }> }>>(
        query,
        variables,
        asAdmin(),
      );
      expect(Object.values(res.data ?? {})[0]?.userErrors[0]?.code).toBe('NOT_FOUND');
    }
    const [row] = await sql<{ name: string }>(
      t.database,
      'select name from resource where id = $1',
      [other.resourceId],
    );
    expect(row?.name).not.toBe('Mine now');
  });
});

describe('services', () => {
  it('are deleted only when no booking names them', async () => {
    type Deleted = Payload<'deleteService', { deletedId: string | null }>;
    const booked = await t.gql<Deleted>(DELETE_SERVICE, { id: s.serviceId }, asAdmin());
    expect(booked.data?.deleteService.userErrors[0]?.message).toMatch(
      /^This service cannot be deleted: \d+ booking\(s\) name it \(deactivate it instead/,
    );
    const created = await s.admin<{ createService: { service: { id: string } } }>(
      'mutation { createService(input: { name: "Unused", durationMinutes: 30 }) { service { id } } }',
    );
    const unused = created.createService.service.id;
    const gone = await t.gql<Deleted>(DELETE_SERVICE, { id: unused }, asAdmin());
    expect(gone.data?.deleteService).toEqual({ deletedId: unused, userErrors: [] });
    expect((await auditOf(unused)).at(-1)?.action).toBe('service.deleted');
  });
});

describe("a booking's details", () => {
  type Details = Payload<'updateBookingDetails', { booking: Record<string, string | null> | null }>;

  it('change the fields given, audited without their values', async () => {
    const made = await book(at('2027-03-10T09:00:00Z'), {
      customer: { name: 'Ada', email: 'ada@example.com', phone: '+44 20 7946 0001' },
      notes: 'First visit',
    });
    const id = made.data?.createBooking.booking?.id as string;
    const res = await t.gql<Details>(
      DETAILS,
      { id, input: { name: ' Ada Lovelace ', email: 'ADA.L@Example.com', phone: null } },
      asAdmin(),
    );
    expect(res.data?.updateBookingDetails).toEqual({
      booking: {
        id,
        customerName: 'Ada Lovelace',
        customerEmail: 'ada.l@example.com',
        customerPhone: null,
        notes: 'First visit',
      },
      userErrors: [],
    });
    const last = (await auditOf(id)).at(-1);
    expect(last).toMatchObject({
      action: 'booking.details_updated',
      changes: {
        customerName: '(changed)',
        customerEmail: '(changed)',
        customerPhone: '(changed)',
      },
    });
    expect(JSON.stringify(last)).not.toContain('Lovelace');
  });

  it('refuse a null name or a bad phone naming the field, and changing nothing', async () => {
    const made = await book(at('2027-03-10T11:00:00Z'));
    const id = made.data?.createBooking.booking?.id as string;
    for (const input of [
      { name: null },
      { email: null },
      { phone: 'call me' },
      { notes: 'x'.repeat(2001) },
    ]) {
      const res = await t.gql<Details>(DETAILS, { id, input }, asAdmin());
      const field = Object.keys(input)[0] as string;
      expect(res.data?.updateBookingDetails.booking, JSON.stringify(input)).toBeNull();
      expect(res.data?.updateBookingDetails.userErrors.map((e) => e.field)).toContainEqual([
        'input',
        field,
      ]);
    }
    const [row] = await sql<{ customer_name: string; customer_email: string }>(
      t.database,
      'select customer_name, customer_email from booking where id = $1',
      [id],
    );
    expect(row).toEqual({ customer_name: 'Walk In', customer_email: 'walk.in@example.com' });
  });
});

describe('who may', () => {
  it('nobody but an admin changes resources, services or booking details', async () => {
    const made = await book(at('2027-03-10T13:00:00Z'));
    const id = made.data?.createBooking.booking?.id as string;
    for (const as of [asPublic(), asPartner()]) {
      refusedOnly(await t.gql(UPDATE_RESOURCE, { id: s.resourceId, input: { name: 'X' } }, as));
      refusedOnly(await t.gql(DELETE_RESOURCE, { id: s.resourceId }, as));
      refusedOnly(await t.gql(DELETE_SERVICE, { id: s.serviceId }, as));
      refusedOnly(await t.gql(DETAILS, { id, input: { name: 'X' } }, as));
      refusedOnly(
        await t.gql(RESCHEDULE, { id, startsAt: at('2027-03-10T22:00:00Z'), bypass: true }, as),
      );
    }
    const [row] = await sql<{ customer_name: string; starts_at: Date }>(
      t.database,
      'select customer_name, starts_at from booking where id = $1',
      [id],
    );
    expect(row?.customer_name).toBe('Walk In');
    expect(row?.starts_at.toISOString()).toBe(at('2027-03-10T13:00:00Z'));
  });
});
