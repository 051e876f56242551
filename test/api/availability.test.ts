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

let t: TestApp;
let a: TenantFixture;
let b: TenantFixture;

const SET_WEEKLY = `mutation ($resourceId: ID, $windows: [WeeklyWindowInput!]!) {
  setWeeklyWindows(resourceId: $resourceId, windows: $windows) {
    resource { id weeklyWindows { weekday startTime endTime } }
    userErrors { code field message }
  }
}`;
const SET_OVERRIDE = `mutation ($resourceId: ID, $date: LocalDate!, $windows: [TimeWindowInput!]!) {
  setDateOverride(resourceId: $resourceId, date: $date, windows: $windows) { resource { id } userErrors { code field message } }
}`;
const OVERRIDES = `{ resources { id dateOverrides(from: "2027-01-01", to: "2027-01-31") { date windows { startTime endTime } } } }`;
const CREATE_BLACKOUT = `mutation ($input: BlackoutInput!) {
  createBlackout(input: $input) { blackout { id startsAt endsAt reason resource { id } } userErrors { code field message } }
}`;

beforeAll(async () => {
  t = await startTestApp();
  a = await createTenant(t, 'avail-a');
  b = await createTenant(t, 'avail-b');
});
afterAll(() => t?.close());

const asA = () => ({ tenant: a.slug, token: a.token });
const patternOf = async (tenantId: string) =>
  (
    await sql<{ weekly_pattern: unknown }>(
      t.database,
      'select weekly_pattern from resource where tenant_id = $1',
      [tenantId],
    )
  )[0]?.weekly_pattern;

describe('weekly windows', () => {
  it("replace the first resource's pattern, merged and sorted, when no resource is named", async () => {
    const res = await t.gql(
      SET_WEEKLY,
      {
        windows: [
          { weekday: 'TUESDAY', startTime: '10:00', endTime: '11:00' },
          { weekday: 'MONDAY', startTime: '12:00', endTime: '13:00' },
          { weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' },
          { weekday: 'MONDAY', startTime: '12:30', endTime: '14:00' },
          { weekday: 'SUNDAY', startTime: '20:00', endTime: '24:00' },
        ],
      },
      asA(),
    );
    expect(res.data).toMatchObject({
      setWeeklyWindows: {
        userErrors: [],
        resource: {
          weeklyWindows: [
            { weekday: 'MONDAY', startTime: '09:00', endTime: '14:00' },
            { weekday: 'TUESDAY', startTime: '10:00', endTime: '11:00' },
            { weekday: 'SUNDAY', startTime: '20:00', endTime: '24:00' },
          ],
        },
      },
    });
    const again = await t.gql(
      SET_WEEKLY,
      { windows: [{ weekday: 'FRIDAY', startTime: '08:00', endTime: '09:00' }] },
      asA(),
    );
    expect(again.data).toMatchObject({
      setWeeklyWindows: {
        resource: { weeklyWindows: [{ weekday: 'FRIDAY', startTime: '08:00', endTime: '09:00' }] },
      },
    });
  });

  it.each([
    [
      { weekday: 'MONDAY', startTime: '24:00', endTime: '24:00' },
      ['windows', '0', 'startTime'],
      '24:00 is allowed only as an end',
    ],
    [
      { weekday: 'MONDAY', startTime: '10:00', endTime: '10:00' },
      ['windows', '0', 'endTime'],
      'endTime must be after startTime',
    ],
    [
      { weekday: 'MONDAY', startTime: '11:00', endTime: '09:00' },
      ['windows', '0', 'endTime'],
      'endTime must be after startTime',
    ],
  ])('refuse %o naming the window, changing nothing', async (window, field, message) => {
    const before = await patternOf(a.id);
    const res = await t.gql<{ setWeeklyWindows: { userErrors: unknown[] } }>(
      SET_WEEKLY,
      { windows: [window] },
      asA(),
    );
    expect(res.data?.setWeeklyWindows.userErrors).toEqual([
      { code: 'INVALID_INPUT', field, message: expect.stringContaining(message) },
    ]);
    expect(await patternOf(a.id)).toEqual(before);
  });

  it.each(['9:00', '25:00', '12:60', '24:01', 'noon'])(
    'refuse the malformed time %s before anything runs',
    async (time) => {
      const before = await patternOf(a.id);
      const res = await t.gql(
        SET_WEEKLY,
        { windows: [{ weekday: 'MONDAY', startTime: time, endTime: '23:00' }] },
        asA(),
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toContain('LocalTime must be HH:mm');
      expect(await patternOf(a.id)).toEqual(before);
    },
  );

  it("refuse another tenant's resource exactly like an unknown one", async () => {
    const bResource = (
      await sql<{ id: string }>(t.database, 'select id from resource where tenant_id = $1', [b.id])
    )[0]?.id;
    const unknown = randomUUID();
    const windows = [{ weekday: 'MONDAY', startTime: '09:00', endTime: '10:00' }];
    const withB = await t.gql(SET_WEEKLY, { resourceId: bResource, windows }, asA());
    const withUnknown = await t.gql(SET_WEEKLY, { resourceId: unknown, windows }, asA());
    expect(JSON.stringify(withB).replace(bResource ?? '', 'ID')).toBe(
      JSON.stringify(withUnknown).replace(unknown, 'ID'),
    );
    expect(withB.data).toMatchObject({
      setWeeklyWindows: {
        resource: null,
        userErrors: [{ code: 'NOT_FOUND', field: ['resourceId'] }],
      },
    });
    expect(await patternOf(b.id)).toEqual([]);
  });

  it('are for admins only', async () => {
    const partner = await createApiKey(t, a, 'PARTNER');
    const res = await t.gql(SET_WEEKLY, { windows: [] }, { token: partner.secret });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await t.gql(SET_WEEKLY, { windows: [] }, { tenant: a.slug });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('date overrides', () => {
  it('close a day, open one, replace and clear', async () => {
    expect(
      (await t.gql(SET_OVERRIDE, { date: '2027-01-05', windows: [] }, asA())).data,
    ).toMatchObject({ setDateOverride: { userErrors: [] } });
    await t.gql(
      SET_OVERRIDE,
      {
        date: '2027-01-10',
        windows: [
          { startTime: '13:00', endTime: '15:00' },
          { startTime: '10:00', endTime: '12:00' },
        ],
      },
      asA(),
    );
    await t.gql(
      SET_OVERRIDE,
      { date: '2027-01-20', windows: [{ startTime: '10:00', endTime: '11:00' }] },
      asA(),
    );
    await t.gql(
      SET_OVERRIDE,
      { date: '2027-01-20', windows: [{ startTime: '14:00', endTime: '24:00' }] },
      asA(),
    );
    const res = await t.gql(OVERRIDES, {}, asA());
    expect(res.data).toMatchObject({
      resources: [
        {
          dateOverrides: [
            { date: '2027-01-05', windows: [] },
            {
              date: '2027-01-10',
              windows: [
                { startTime: '10:00', endTime: '12:00' },
                { startTime: '13:00', endTime: '15:00' },
              ],
            },
            { date: '2027-01-20', windows: [{ startTime: '14:00', endTime: '24:00' }] },
          ],
        },
      ],
    });
    await t.gql(
      'mutation { clearDateOverride(date: "2027-01-10") { userErrors { message } } }',
      {},
      asA(),
    );
    const after = await t.gql<{ resources: Array<{ dateOverrides: Array<{ date: string }> }> }>(
      OVERRIDES,
      {},
      asA(),
    );
    expect(after.data?.resources[0]?.dateOverrides.map((o) => o.date)).toEqual([
      '2027-01-05',
      '2027-01-20',
    ]);
  });

  it('validate their windows and their range', async () => {
    const bad = await t.gql(
      SET_OVERRIDE,
      { date: '2027-02-01', windows: [{ startTime: '12:00', endTime: '11:00' }] },
      asA(),
    );
    expect(bad.data).toMatchObject({
      setDateOverride: { resource: null, userErrors: [{ field: ['windows', '0', 'endTime'] }] },
    });
    expect(
      await sql(t.database, "select 1 from date_override where date = '2027-02-01'"),
    ).toHaveLength(0);
    const badDate = await t.gql(SET_OVERRIDE, { date: '2027-02-30', windows: [] }, asA());
    expect(badDate.errors?.[0]?.message).toContain('LocalDate must be a real date');
    const range = await t.gql(
      '{ resources { dateOverrides(from: "2027-02-01", to: "2027-01-01") { date } } }',
      {},
      asA(),
    );
    expect(range.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['to'] });
  });

  it('are not visible to another tenant', async () => {
    const res = await t.gql<{ resources: Array<{ dateOverrides: unknown[] }> }>(
      OVERRIDES,
      {},
      { tenant: b.slug, token: b.token },
    );
    expect(res.data?.resources[0]?.dateOverrides).toEqual([]);
  });
});

describe('blackouts', () => {
  it('are created tenant-wide or for one resource, listed by overlap, and deleted', async () => {
    const resourceId = (
      await sql<{ id: string }>(t.database, 'select id from resource where tenant_id = $1', [a.id])
    )[0]?.id;
    const wide = await t.gql<{ createBlackout: { blackout: { id: string } } }>(
      CREATE_BLACKOUT,
      {
        input: {
          startsAt: '2027-03-01T12:00:00+01:00',
          endsAt: '2027-03-01T14:00:00Z',
          reason: 'Staff meeting',
        },
      },
      asA(),
    );
    expect(wide.data?.createBlackout).toEqual({
      blackout: {
        id: expect.any(String),
        startsAt: '2027-03-01T11:00:00.000Z',
        endsAt: '2027-03-01T14:00:00.000Z',
        reason: 'Staff meeting',
        resource: null,
      },
      userErrors: [],
    });
    const one = await t.gql<{
      createBlackout: { blackout: { id: string; resource: { id: string } } };
    }>(
      CREATE_BLACKOUT,
      { input: { resourceId, startsAt: '2027-03-05T00:00:00Z', endsAt: '2027-03-06T00:00:00Z' } },
      asA(),
    );
    expect(one.data?.createBlackout.blackout.resource).toEqual({ id: resourceId });
    const list = await t.gql<{ blackouts: Array<{ id: string }> }>(
      '{ blackouts(from: "2027-03-01T13:59:00Z", to: "2027-03-05T00:00:01Z") { id } }',
      {},
      asA(),
    );
    expect(list.data?.blackouts.map((x) => x.id)).toEqual([
      wide.data?.createBlackout.blackout.id,
      one.data?.createBlackout.blackout.id,
    ]);
    const edge = await t.gql<{ blackouts: unknown[] }>(
      '{ blackouts(from: "2027-03-01T14:00:00Z", to: "2027-03-05T00:00:00Z") { id } }',
      {},
      asA(),
    );
    expect(edge.data?.blackouts).toEqual([]);
    const deleted = await t.gql(
      'mutation ($id: ID!) { deleteBlackout(id: $id) { deletedId userErrors { code } } }',
      { id: one.data?.createBlackout.blackout.id },
      asA(),
    );
    expect(deleted.data).toEqual({
      deleteBlackout: { deletedId: one.data?.createBlackout.blackout.id, userErrors: [] },
    });
  });

  it('need endsAt after startsAt, and write nothing otherwise', async () => {
    const before = await sql(t.database, 'select id from blackout');
    const res = await t.gql(
      CREATE_BLACKOUT,
      { input: { startsAt: '2027-03-01T12:00:00Z', endsAt: '2027-03-01T12:00:00Z' } },
      asA(),
    );
    expect(res.data).toMatchObject({
      createBlackout: {
        blackout: null,
        userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'endsAt'] }],
      },
    });
    expect(await sql(t.database, 'select id from blackout')).toHaveLength(before.length);
  });

  it('are invisible and untouchable across tenants', async () => {
    const bBlackout = await t.gql<{ createBlackout: { blackout: { id: string } } }>(
      CREATE_BLACKOUT,
      { input: { startsAt: '2027-03-01T00:00:00Z', endsAt: '2027-03-02T00:00:00Z' } },
      { tenant: b.slug, token: b.token },
    );
    const bId = bBlackout.data?.createBlackout.blackout.id ?? '';
    const list = await t.gql(
      '{ blackouts(from: "2027-01-01T00:00:00Z", to: "2027-12-31T00:00:00Z") { id } }',
      {},
      asA(),
    );
    expect(JSON.stringify(list.data)).not.toContain(bId);
    const unknown = randomUUID();
    const op =
      'mutation ($id: ID!) { deleteBlackout(id: $id) { deletedId userErrors { code field message } } }';
    const withB = await t.gql(op, { id: bId }, asA());
    const withUnknown = await t.gql(op, { id: unknown }, asA());
    expect(JSON.stringify(withB).replace(bId, 'ID')).toBe(
      JSON.stringify(withUnknown).replace(unknown, 'ID'),
    );
    expect(await sql(t.database, 'select 1 from blackout where id = $1', [bId])).toHaveLength(1);
  });
});
