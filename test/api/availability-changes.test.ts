import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { type Scenario, scenario, weekdays } from '../helpers/scenario.js';
import { TestSmtpServer, waitFor } from '../helpers/smtp.js';

// Changes of availability never strand bookings silently (domain.md, "Changes that touch
// existing bookings"): blackouts, weekly hours, date overrides, a resource out of service.

/** Wednesday 2027-03-03 08:00 UTC. */
const NOW = Date.parse('2027-03-03T08:00:00Z');
const at = (iso: string) => new Date(Date.parse(iso)).toISOString();

let smtp: TestSmtpServer;
let t: TestApp;

const AFFECTED = 'affectedBookings { id status cancellationReason startsAt }';
const ERRORS = 'userErrors { code field message }';
const BLACKOUT = `mutation ($input: BlackoutInput!, $on: AffectedBookings, $reason: String) {
  createBlackout(input: $input, onAffected: $on, cancellationReason: $reason) {
    blackout { id } ${AFFECTED} ${ERRORS}
  }
}`;
const WEEKLY = `mutation ($w: [WeeklyWindowInput!]!, $on: AffectedBookings) {
  setWeeklyWindows(windows: $w, onAffected: $on) { resource { id } ${AFFECTED} ${ERRORS} }
}`;
const OVERRIDE = `mutation ($date: LocalDate!, $w: [TimeWindowInput!]!, $on: AffectedBookings, $reason: String) {
  setDateOverride(date: $date, windows: $w, onAffected: $on, cancellationReason: $reason) {
    resource { id } ${AFFECTED} ${ERRORS}
  }
}`;
const CLEAR = `mutation ($date: LocalDate!) {
  clearDateOverride(date: $date) { resource { id } ${AFFECTED} ${ERRORS} }
}`;
const DEACTIVATE = `mutation ($id: ID!, $on: AffectedBookings) {
  updateResource(id: $id, input: { active: false }, onAffected: $on) {
    resource { active } ${AFFECTED} ${ERRORS}
  }
}`;

interface Affected {
  affectedBookings: Array<{ id: string; status: string; cancellationReason: string | null }>;
  userErrors: Array<{ code: string; field: string[] | null; message: string }>;
}

/** A tenant open weekdays 09:00-17:00 UTC, hour-long appointments, no notice. */
async function business(slug: string) {
  return scenario(t, slug, { windows: weekdays('09:00', '17:00') });
}

async function bookAt(s: Scenario, startsAt: string, who: string, extra = {}) {
  const res = await s.admin<{ createBooking: { booking: { id: string } | null } }>(
    `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } ${ERRORS} } }`,
    {
      input: {
        serviceId: s.serviceId,
        startsAt: at(startsAt),
        customer: { name: who, email: `${who.toLowerCase()}@customer.example` },
        ...extra,
      },
    },
  );
  const id = res.createBooking.booking?.id;
  if (!id) throw new Error(`booking at ${startsAt} failed: ${JSON.stringify(res)}`);
  return id;
}

const statuses = async (ids: string[]) =>
  Object.fromEntries(
    (
      await sql<{ id: string; status: string }>(
        t.database,
        'select id, status from booking where id = any($1)',
        [ids],
      )
    ).map((r) => [r.id, r.status]),
  );

const ids = (payload: Affected | undefined) => (payload?.affectedBookings ?? []).map((b) => b.id);

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  t = await startTestApp({ ...smtp.env() }, { clock: () => NOW });
});
afterAll(async () => {
  await t?.close();
  await smtp?.stop();
});

describe('a blackout over bookings', () => {
  it('lists the open bookings under it and keeps them by default', async () => {
    const s = await business('changes-keep');
    const one = await bookAt(s, '2027-03-04T10:00:00Z', 'Ann');
    const two = await bookAt(s, '2027-03-04T12:00:00Z', 'Ben');
    const outside = await bookAt(s, '2027-03-04T15:00:00Z', 'Cat');
    const res = await s.admin<{ createBlackout: Affected & { blackout: { id: string } } }>(
      BLACKOUT,
      { input: { startsAt: at('2027-03-04T09:30:00Z'), endsAt: at('2027-03-04T14:00:00Z') } },
    );
    expect(res.createBlackout.userErrors).toEqual([]);
    expect(ids(res.createBlackout)).toEqual([one, two]);
    expect(await statuses([one, two, outside])).toEqual({
      [one]: 'CONFIRMED',
      [two]: 'CONFIRMED',
      [outside]: 'CONFIRMED',
    });
    const [row] = await sql<{ changes: { affectedBookings: string[]; onAffected: string } }>(
      t.database,
      "select changes from audit_event where action = 'blackout.created' and entity_id = $1",
      [res.createBlackout.blackout.id],
    );
    expect(row?.changes).toMatchObject({ affectedBookings: [one, two], onAffected: 'KEEP' });
  });

  it('cancels them with the reason when asked, and emails each customer', async () => {
    const s = await business('changes-cancel');
    const one = await bookAt(s, '2027-03-05T10:00:00Z', 'Dan');
    const two = await bookAt(s, '2027-03-05T11:00:00Z', 'Eve');
    const res = await s.admin<{ createBlackout: Affected }>(BLACKOUT, {
      input: { startsAt: at('2027-03-05T00:00:00Z'), endsAt: at('2027-03-06T00:00:00Z') },
      on: 'CANCEL',
      reason: 'Burst pipe: the salon is closed',
    });
    expect(res.createBlackout.affectedBookings).toEqual([
      expect.objectContaining({ id: one, status: 'CANCELLED' }),
      expect.objectContaining({ id: two, status: 'CANCELLED' }),
    ]);
    expect(await statuses([one, two])).toEqual({ [one]: 'CANCELLED', [two]: 'CANCELLED' });
    for (const who of ['dan', 'eve']) {
      const mail = await waitFor(`the cancellation to ${who}`, async () =>
        smtp.to(`${who}@customer.example`).find((m) => /cancelled/i.test(m.parsed.subject ?? '')),
      );
      expect(mail.parsed.text).toContain('Burst pipe: the salon is closed');
    }
    const cancelled = smtp.received.filter(
      (m) => /cancelled/i.test(m.parsed.subject ?? '') && /(dan|eve)@/.test(m.envelopeTo.join()),
    );
    expect(cancelled).toHaveLength(2);
  });

  it('refuses a reason it cannot store, changing nothing', async () => {
    const s = await business('changes-bad');
    const one = await bookAt(s, '2027-03-05T10:00:00Z', 'Fay');
    const res = await s.admin<{ createBlackout: Affected }>(BLACKOUT, {
      input: { startsAt: at('2027-03-05T00:00:00Z'), endsAt: at('2027-03-06T00:00:00Z') },
      on: 'CANCEL',
      reason: 'x'.repeat(1001),
    });
    expect(res.createBlackout.userErrors[0]?.field).toEqual(['cancellationReason']);
    expect(await statuses([one])).toEqual({ [one]: 'CONFIRMED' });
    const [n] = await sql<{ n: string }>(
      t.database,
      'select count(*) n from blackout where tenant_id = $1',
      [s.tenant.id],
    );
    expect(Number(n?.n)).toBe(0);
  });
});

describe('opening hours changed under bookings', () => {
  it('lists what the new weekly hours leave out, but not a walk-in already outside them', async () => {
    const s = await business('changes-weekly');
    const late = await bookAt(s, '2027-03-08T15:00:00Z', 'Gus');
    const early = await bookAt(s, '2027-03-08T09:00:00Z', 'Hal');
    const walkIn = await bookAt(s, '2027-03-08T19:00:00Z', 'Ivy', { bypassPolicy: true });
    const res = await s.admin<{ setWeeklyWindows: Affected }>(WEEKLY, {
      w: weekdays('09:00', '12:00'),
    });
    expect(ids(res.setWeeklyWindows)).toEqual([late]);
    expect(await statuses([late, early, walkIn])).toEqual({
      [late]: 'CONFIRMED',
      [early]: 'CONFIRMED',
      [walkIn]: 'CONFIRMED',
    });
  });

  it('cancels the bookings of a day an override closes, when asked', async () => {
    const s = await business('changes-override');
    const that = await bookAt(s, '2027-03-09T10:00:00Z', 'Jon');
    const other = await bookAt(s, '2027-03-10T10:00:00Z', 'Kim');
    const res = await s.admin<{ setDateOverride: Affected }>(OVERRIDE, {
      date: '2027-03-09',
      w: [],
      on: 'CANCEL',
      reason: 'Training day',
    });
    expect(res.setDateOverride.affectedBookings).toEqual([
      expect.objectContaining({
        id: that,
        status: 'CANCELLED',
        cancellationReason: 'Training day',
      }),
    ]);
    expect(await statuses([that, other])).toEqual({ [that]: 'CANCELLED', [other]: 'CONFIRMED' });
  });

  it('lists the bookings an extended day held when its override is cleared', async () => {
    const s = await business('changes-clear');
    await s.admin(OVERRIDE, { date: '2027-03-11', w: [{ startTime: '09:00', endTime: '20:00' }] });
    const evening = await bookAt(s, '2027-03-11T18:00:00Z', 'Lea');
    const res = await s.admin<{ clearDateOverride: Affected }>(CLEAR, { date: '2027-03-11' });
    expect(ids(res.clearDateOverride)).toEqual([evening]);
  });
});

describe('a resource taken out of service', () => {
  it('is refused while bookings hold it, or cancels them when asked', async () => {
    const s = await business('changes-resource');
    const one = await bookAt(s, '2027-03-12T10:00:00Z', 'Max');
    const refused = await s.admin<{ updateResource: Affected }>(DEACTIVATE, { id: s.resourceId });
    expect(refused.updateResource.userErrors[0]).toMatchObject({
      field: ['input', 'active'],
      message: expect.stringContaining('while 1 future booking(s) hold the resource'),
    });
    const res = await s.admin<{ updateResource: Affected & { resource: { active: boolean } } }>(
      DEACTIVATE,
      { id: s.resourceId, on: 'CANCEL' },
    );
    expect(res.updateResource.resource.active).toBe(false);
    expect(res.updateResource.affectedBookings).toEqual([
      expect.objectContaining({ id: one, status: 'CANCELLED' }),
    ]);
  });
});
