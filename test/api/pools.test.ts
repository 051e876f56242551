import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import {
  book,
  createService,
  everyDay,
  OCCUPANCY_OVERLAPS_SQL,
  type Scenario,
  scenario,
  tally,
} from '../helpers/scenario.js';

// Issue 18: several staff behind one service, and bookings that need a person and a room
// (domain.md, "Pools"). No resource is ever double-booked, by any path.

/** Monday 2027-03-01 07:00 UTC: every test books from 2027-03-02 on. */
const NOW = Date.parse('2027-03-01T07:00:00Z');

let t: TestApp;
let s: Scenario;
/** Stylists A, B, C (A is the tenant's first resource); rooms R1, R2. */
const r: Record<'A' | 'B' | 'C' | 'R1' | 'R2', string> = { A: '', B: '', C: '', R1: '', R2: '' };
const name = (id: string) => Object.entries(r).find(([, v]) => v === id)?.[0] ?? id;

async function resource(label: string): Promise<string> {
  const res = await s.admin<{ createResource: { resource: { id: string } } }>(
    'mutation ($n: String!) { createResource(name: $n) { resource { id } } }',
    { n: label },
  );
  const id = res.createResource.resource.id;
  await s.admin(
    'mutation ($r: ID!, $w: [WeeklyWindowInput!]!) { setWeeklyWindows(resourceId: $r, windows: $w) { userErrors { message } } }',
    { r: id, w: everyDay('08:00', '20:00') },
  );
  return id;
}

const service = (input: Record<string, unknown>) =>
  createService(s.admin, { durationMinutes: 60, ...input });

const at = (day: number, hour: number) =>
  new Date(Date.parse('2027-03-02T00:00:00Z') + day * 86_400_000 + hour * 3_600_000).toISOString();

const customer = (i: number) => ({ name: `Customer ${i}`, email: `c${i}@example.com` });

/** The resources a booking occupies, by name. */
async function occupied(bookingId: string): Promise<string[]> {
  const rows = await sql<{ resource_id: string }>(
    t.database,
    'select resource_id from booking_resource where booking_id = $1 order by created_at',
    [bookingId],
  );
  return rows.map((row) => name(row.resource_id));
}

beforeAll(async () => {
  t = await startTestApp({ EMAIL_ENABLED: 'false' }, { clock: () => NOW });
  s = await scenario(t, 'pools', { windows: everyDay('08:00', '20:00') });
  r.A = s.resourceId;
  r.B = await resource('B');
  r.C = await resource('C');
  r.R1 = await resource('Room 1');
  r.R2 = await resource('Room 2');
});

afterAll(() => t?.close());

describe('a service with a pool', () => {
  it('shows its pool, requirements and policy; resource is the first of the pool', async () => {
    const id = await service({
      name: 'Massage',
      resourceIds: [r.B, r.A],
      requirements: [{ label: 'Room', resourceIds: [r.R1, r.R2] }],
      assignment: 'PRIORITY',
    });
    const res = await t.gql<{
      service: {
        resource: { id: string };
        pool: Array<{ id: string }>;
        requirements: Array<{ label: string; resources: Array<{ id: string }> }>;
        assignment: string;
      };
    }>(
      'query ($id: ID!) { service(id: $id) { resource { id } pool { id } requirements { label resources { id } } assignment } }',
      { id },
      { tenant: 'pools' },
    );
    expect(res.data?.service).toEqual({
      resource: { id: r.B },
      pool: [{ id: r.B }, { id: r.A }],
      requirements: [{ label: 'Room', resources: [{ id: r.R1 }, { id: r.R2 }] }],
      assignment: 'PRIORITY',
    });
  });

  it('shows the public only the members in service', async () => {
    const spare = await resource('Spare');
    const id = await service({ name: 'Spare cut', resourceIds: [r.A, spare] });
    await s.admin(
      'mutation ($id: ID!) { updateResource(id: $id, input: { active: false }) { userErrors { message } } }',
      { id: spare },
    );
    const query = 'query ($id: ID!) { service(id: $id) { pool { id } } }';
    const pub = await t.gql<{ service: { pool: Array<{ id: string }> } }>(
      query,
      { id },
      { tenant: 'pools' },
    );
    expect(pub.data?.service.pool).toEqual([{ id: r.A }]);
    const admin = await s.admin<{ service: { pool: Array<{ id: string }> } }>(query, { id });
    expect(admin.service.pool).toEqual([{ id: r.A }, { id: spare }]);
  });

  it('100 concurrent requests for one start in a pool of 3: 3 bookings on 3 resources, 97 conflicts', async () => {
    const id = await service({ name: 'Haircut', resourceIds: [r.A, r.B, r.C] });
    const startsAt = at(0, 10);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        book(t, 'pools', { serviceId: id, startsAt, customer: customer(i) }),
      ),
    );
    const figures = tally(results);
    console.log('pool of 3 storm', JSON.stringify(figures));
    expect(figures).toEqual({
      attempts: 100,
      successes: 3,
      codes: { BOOKING_CONFLICT: 97 },
      serverErrors: 0,
    });
    const rows = await sql<{ resource_id: string }>(
      t.database,
      "select resource_id from booking where service_id = $1 and status <> 'CANCELLED'",
      [id],
    );
    expect(rows.map((x) => name(x.resource_id)).sort()).toEqual(['A', 'B', 'C']);
    expect((await sql(t.database, OCCUPANCY_OVERLAPS_SQL))[0]).toEqual({ n: 0 });
  });

  it('offers a start with the members that could take it, in the order the policy picks', async () => {
    const id = await service({
      name: 'Trim',
      resourceIds: [r.A, r.B, r.C],
      assignment: 'PRIORITY',
    });
    // A is busy at 09:00 on day 1 (with another service), so the policy skips it there.
    const other = await service({ name: 'Colour', resourceIds: [r.A] });
    const taken = await book(t, 'pools', { serviceId: other, startsAt: at(1, 9) });
    expect(taken.data?.createBooking.userErrors).toEqual([]);
    const slots = async (resourceId?: string) =>
      (
        await t.gql<{ slots: Array<{ startsAt: string; resourceIds: string[] }> }>(
          'query ($id: ID!, $r: ID) { slots(serviceId: $id, from: "2027-03-03", to: "2027-03-03", resourceId: $r) { startsAt resourceIds } }',
          { id, r: resourceId ?? null },
          { tenant: 'pools' },
        )
      ).data?.slots ?? [];
    const all = await slots();
    const nine = all.find((x) => x.startsAt === at(1, 9));
    const ten = all.find((x) => x.startsAt === at(1, 10));
    expect(nine?.resourceIds.map(name)).toEqual(['B', 'C']);
    expect(ten?.resourceIds.map(name)).toEqual(['A', 'B', 'C']);
    // The customer's choice narrows to one member: A is not offered at 09:00.
    const onlyA = await slots(r.A);
    expect(onlyA.find((x) => x.startsAt === at(1, 9))).toBeUndefined();
    expect(onlyA.find((x) => x.startsAt === at(1, 10))?.resourceIds).toEqual([r.A]);
    // And booking takes the first of them.
    const booked = await book(t, 'pools', { serviceId: id, startsAt: at(1, 9) });
    expect(booked.data?.createBooking.booking).toMatchObject({});
    const bookingId = booked.data?.createBooking.booking?.id as string;
    expect(await occupied(bookingId)).toEqual(['B']);
  });

  it('holds a group session per member of the pool: two classes of 2 at one start', async () => {
    const id = await service({ name: 'Class', resourceIds: [r.A, r.B], capacity: 2 });
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(
        await book(t, 'pools', { serviceId: id, startsAt: at(11, 9), customer: customer(100 + i) }),
      );
    }
    expect(results.map((x) => x.data?.createBooking.userErrors[0]?.code ?? 'OK')).toEqual([
      'OK',
      'OK',
      'OK',
      'OK',
      'CAPACITY_EXCEEDED',
    ]);
    const rows = await sql<{ resource_id: string; n: number }>(
      t.database,
      'select resource_id, count(*)::int as n from booking where service_id = $1 group by resource_id',
      [id],
    );
    expect(Object.fromEntries(rows.map((x) => [name(x.resource_id), x.n]))).toEqual({ A: 2, B: 2 });
  });

  it('books the member the customer chose, and refuses one outside the pool', async () => {
    const id = await service({ name: 'Beard', resourceIds: [r.A, r.B, r.C] });
    const chosen = await book(t, 'pools', { serviceId: id, startsAt: at(2, 11), resourceId: r.C });
    expect(await occupied(chosen.data?.createBooking.booking?.id as string)).toEqual(['C']);
    const outside = await book(t, 'pools', {
      serviceId: id,
      startsAt: at(2, 12),
      resourceId: r.R1,
    });
    expect(outside.data?.createBooking.userErrors[0]).toMatchObject({
      code: 'NOT_FOUND',
      field: ['input', 'resourceId'],
    });
  });

  it('assigns by LEAST_BOOKED_DAY, PRIORITY and ROUND_ROBIN, reproducibly', async () => {
    const least = await service({ name: 'Least', resourceIds: [r.A, r.B] });
    // A has one booking on day 3, B none: B takes the next one.
    await book(t, 'pools', { serviceId: least, startsAt: at(3, 8), resourceId: r.A });
    const next = await book(t, 'pools', { serviceId: least, startsAt: at(3, 12) });
    expect(await occupied(next.data?.createBooking.booking?.id as string)).toEqual(['B']);
    const robin = await service({
      name: 'Robin',
      resourceIds: [r.A, r.B, r.C],
      assignment: 'ROUND_ROBIN',
    });
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await book(t, 'pools', { serviceId: robin, startsAt: at(4, 8 + i * 2) });
      order.push(...(await occupied(res.data?.createBooking.booking?.id as string)));
    }
    // Never assigned first (by id), then the least recently assigned.
    expect(new Set(order.slice(0, 3)).size).toBe(3);
    expect(order[3]).toBe(order[0]);
  });
});

describe('requirements', () => {
  it('two services with their own staff sharing one room pool never overlap in a room', async () => {
    const massage = await service({
      name: 'Shared massage',
      resourceIds: [r.A, r.B],
      requirements: [{ label: 'Room', resourceIds: [r.R1, r.R2] }],
    });
    const facial = await service({
      name: 'Shared facial',
      resourceIds: [r.C],
      requirements: [{ label: 'Room', resourceIds: [r.R1, r.R2] }],
    });
    const startsAt = at(5, 10);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        book(t, 'pools', { serviceId: i % 2 ? massage : facial, startsAt, customer: customer(i) }),
      ),
    );
    const figures = tally(results);
    console.log('shared rooms storm', JSON.stringify(figures));
    expect(figures.serverErrors).toBe(0);
    // Three people but two rooms: two bookings, in two rooms.
    expect(figures.successes).toBe(2);
    const rooms = await sql<{ resource_id: string }>(
      t.database,
      `select o.resource_id from booking_resource o join booking b on b.id = o.booking_id
        where b.starts_at = $1 and o.resource_id in ($2, $3) and o.active`,
      [startsAt, r.R1, r.R2],
    );
    expect(rooms.map((x) => name(x.resource_id)).sort()).toEqual(['R1', 'R2']);
    expect((await sql(t.database, OCCUPANCY_OVERLAPS_SQL))[0]).toEqual({ n: 0 });
  });

  it('refuse a booking when no member of a requirement is free, holding nothing', async () => {
    const id = await service({
      name: 'Sauna session',
      resourceIds: [r.A, r.B],
      requirements: [{ label: 'Sauna', resourceIds: [r.R2] }],
    });
    await s.admin(
      'mutation ($input: BlackoutInput!) { createBlackout(input: $input) { userErrors { message } } }',
      { input: { resourceId: r.R2, startsAt: at(6, 0), endsAt: at(7, 0) } },
    );
    const before = await sql(t.database, 'select count(*)::int as n from booking_resource');
    const res = await book(t, 'pools', { serviceId: id, startsAt: at(6, 10) });
    expect(res.data?.createBooking.booking).toBeNull();
    expect(res.data?.createBooking.userErrors[0]).toMatchObject({
      code: 'BOOKING_CONFLICT',
      message: expect.stringContaining('No Sauna is free'),
    });
    expect(await sql(t.database, 'select count(*)::int as n from booking_resource')).toEqual(
      before,
    );
    // Nor is the start offered.
    const slots = await t.gql<{ slots: Array<{ startsAt: string }> }>(
      'query ($id: ID!) { slots(serviceId: $id, from: "2027-03-08", to: "2027-03-08") { startsAt } }',
      { id },
      { tenant: 'pools' },
    );
    expect(slots.data?.slots).toEqual([]);
  });

  it('a mixed storm over overlapping pools and requirements: no deadlock, no overlap', async () => {
    const services = await Promise.all([
      service({
        name: 'Mix 1',
        resourceIds: [r.A, r.B],
        requirements: [{ label: 'Room', resourceIds: [r.R1, r.R2] }],
      }),
      service({
        name: 'Mix 2',
        resourceIds: [r.B, r.C],
        requirements: [{ label: 'Room', resourceIds: [r.R2, r.R1] }],
      }),
      service({ name: 'Mix 3', resourceIds: [r.C, r.A, r.B] }),
      service({ name: 'Mix 4', resourceIds: [r.A], durationMinutes: 90 }),
    ]);
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        book(t, 'pools', {
          serviceId: services[i % services.length],
          startsAt: new Date(Date.parse(at(8, 9)) + (i % 5) * 60 * 60_000).toISOString(),
          customer: customer(i),
        }),
      ),
    );
    const figures = tally(results);
    console.log('mixed pools storm', JSON.stringify(figures));
    // A deadlock (40P01) would surface as a server error.
    expect(figures.serverErrors).toBe(0);
    expect(figures.successes).toBeGreaterThan(0);
    expect((await sql(t.database, OCCUPANCY_OVERLAPS_SQL))[0]).toEqual({ n: 0 });
  });

  it('lists what a booking occupies, and a move keeps its resources when they are free', async () => {
    const id = await service({
      name: 'Movable',
      resourceIds: [r.A, r.B],
      requirements: [{ label: 'Room', resourceIds: [r.R1, r.R2] }],
    });
    const res = await book(t, 'pools', { serviceId: id, startsAt: at(9, 9), resourceId: r.B });
    const bookingId = res.data?.createBooking.booking?.id as string;
    const seen = await s.admin<{ booking: { resources: Array<{ id: string }> } }>(
      'query ($id: ID!) { booking(id: $id) { resources { id } } }',
      { id: bookingId },
    );
    expect(seen.booking.resources.map((x) => name(x.id))).toEqual(['B', 'R1']);
    const move = (startsAt: string) =>
      s.admin<{ rescheduleBooking: { userErrors: unknown[] } }>(
        'mutation ($id: ID!, $at: DateTime!) { rescheduleBooking(id: $id, startsAt: $at) { userErrors { code message } } }',
        { id: bookingId, at: startsAt },
      );
    expect((await move(at(9, 11))).rescheduleBooking.userErrors).toEqual([]);
    expect(await occupied(bookingId)).toEqual(['B', 'R1']);
    // B and Room 1 are taken at 14:00: the move goes to A and Room 2.
    const blocker = await service({
      name: 'Blocker',
      resourceIds: [r.B],
      requirements: [{ label: 'Room', resourceIds: [r.R1] }],
    });
    await book(t, 'pools', { serviceId: blocker, startsAt: at(9, 14) });
    expect((await move(at(9, 14))).rescheduleBooking.userErrors).toEqual([]);
    expect((await occupied(bookingId)).sort()).toEqual(['A', 'R2']);
    expect((await sql(t.database, OCCUPANCY_OVERLAPS_SQL))[0]).toEqual({ n: 0 });
  });

  it('count as bookings of the room: a blackout lists them, and the room cannot go out of service or be deleted', async () => {
    const room = await resource('Room 3');
    const id = await service({
      name: 'Room 3 treatment',
      resourceIds: [r.A, r.B],
      requirements: [{ label: 'Room', resourceIds: [room] }],
    });
    const res = await book(t, 'pools', { serviceId: id, startsAt: at(13, 10) });
    const bookingId = res.data?.createBooking.booking?.id as string;
    expect(await occupied(bookingId)).toContain(room);
    const blackout = await s.admin<{
      createBlackout: { affectedBookings: Array<{ id: string }> };
    }>(
      'mutation ($input: BlackoutInput!) { createBlackout(input: $input) { affectedBookings { id } userErrors { message } } }',
      { input: { resourceId: room, startsAt: at(13, 9), endsAt: at(13, 12) } },
    );
    expect(blackout.createBlackout.affectedBookings).toEqual([{ id: bookingId }]);
    const out = await s.admin<{ updateResource: { userErrors: Array<{ field: string[] }> } }>(
      'mutation ($id: ID!) { updateResource(id: $id, input: { active: false }) { userErrors { field message } } }',
      { id: room },
    );
    expect(out.updateResource.userErrors[0]?.field).toEqual(['input', 'active']);
    const gone = await s.admin<{ deleteResource: { userErrors: Array<{ message: string }> } }>(
      'mutation ($id: ID!) { deleteResource(id: $id) { userErrors { message } } }',
      { id: room },
    );
    expect(gone.deleteResource.userErrors[0]?.message).toContain('"Room 3 treatment" use it');
    expect(gone.deleteResource.userErrors[0]?.message).toContain('1 booking(s) name it');
  });

  it('work as the worked example of docs/SLOTS.md says', async () => {
    const massage = (assignment: string) =>
      service({
        name: `Example massage ${assignment}`,
        resourceIds: [r.A, r.B],
        requirements: [{ label: 'Room', resourceIds: [r.R1, r.R2] }],
        assignment,
      });
    const byPriority = await massage('PRIORITY');
    const byLeast = await massage('LEAST_BOOKED_DAY');
    const facial = await service({
      name: 'Example facial',
      resourceIds: [r.C],
      requirements: [{ label: 'Room', resourceIds: [r.R1, r.R2] }],
    });
    const anaOnly = await service({ name: 'Example colour', resourceIds: [r.A] });
    const day = 12;
    expect(
      (await book(t, 'pools', { serviceId: anaOnly, startsAt: at(day, 10) })).data?.createBooking
        .userErrors,
    ).toEqual([]);
    const held = await book(t, 'pools', { serviceId: facial, startsAt: at(day, 11) });
    expect(await occupied(held.data?.createBooking.booking?.id as string)).toEqual(['C', 'R1']);
    await s.admin(
      'mutation ($input: BlackoutInput!) { createBlackout(input: $input) { userErrors { message } } }',
      { input: { resourceId: r.R2, startsAt: at(day, 11), endsAt: at(day, 12) } },
    );
    const offered = async (id: string) => {
      const res = await t.gql<{ slots: Array<{ startsAt: string; resourceIds: string[] }> }>(
        'query ($id: ID!, $d: LocalDate!) { slots(serviceId: $id, from: $d, to: $d) { startsAt resourceIds } }',
        { id, d: at(day, 0).slice(0, 10) },
        { tenant: 'pools' },
      );
      return new Map((res.data?.slots ?? []).map((x) => [x.startsAt, x.resourceIds.map(name)]));
    };
    const priority = await offered(byPriority);
    expect(priority.get(at(day, 9))).toEqual(['A', 'B']);
    expect(priority.get(at(day, 10))).toEqual(['B']);
    expect(priority.has(at(day, 11))).toBe(false);
    expect((await offered(byLeast)).get(at(day, 9))).toEqual(['B', 'A']);
  });
});
