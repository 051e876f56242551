import { randomBytes, randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { createOrmConfig } from '../../src/db/orm-config.js';
import { databaseUrl, sql } from '../helpers/database.js';

// Migrations carry existing data forward: a database with the rows of an earlier version is
// migrated, and what it holds afterwards is checked.

interface Old {
  /** The database, migrated up to the migration before the one under test. */
  name: string;
  tenant: string;
  resource: string;
  service: string;
}

/** A database at migration `before` with a tenant, a resource and a service; `seed` adds rows. */
async function migratedFrom(
  before: string,
  seed: (old: Old) => Promise<void>,
  check: (old: Old) => Promise<void>,
): Promise<void> {
  const name = `m_${randomBytes(6).toString('hex')}`;
  await sql('postgres', `create database ${name}`);
  const orm = await MikroORM.init(createOrmConfig({ clientUrl: databaseUrl(name) }));
  try {
    await orm.migrator.up({ to: before });
    const old = { name, tenant: randomUUID(), resource: randomUUID(), service: randomUUID() };
    await sql(
      name,
      `insert into tenant (id, created_at, updated_at, slug, name, time_zone, email)
       values ($1, now(), now(), 'old', 'Old', 'UTC', 'old@example.com')`,
      [old.tenant],
    );
    await sql(
      name,
      `insert into resource (id, created_at, updated_at, tenant_id, name) values ($1, now(), now(), $2, 'Chair')`,
      [old.resource, old.tenant],
    );
    await sql(
      name,
      `insert into service (id, created_at, updated_at, tenant_id, resource_id, name, duration_minutes)
       values ($1, now(), now(), $2, $3, 'Cut', 60)`,
      [old.service, old.tenant, old.resource],
    );
    await seed(old);
    await orm.migrator.up();
    await check(old);
  } finally {
    await orm.close(true);
    await sql('postgres', `drop database ${name} with (force)`);
  }
}

describe('the booking_resources migration', () => {
  it("gives every existing booking its resource's occupancy, active as its status says", async () => {
    await migratedFrom(
      'Migration20261203132001_team_links',
      async ({ name, tenant, resource, service }) => {
        const bookings: Array<[string, string]> = [
          ['2027-01-04T10:00:00Z', 'CONFIRMED'],
          ['2027-01-04T10:00:00Z', 'CANCELLED'],
          ['2027-01-04T11:00:00Z', 'COMPLETED'],
        ];
        for (const [start, status] of bookings) {
          const id = randomUUID();
          const end = new Date(Date.parse(start) + 3_600_000).toISOString();
          await sql(
            name,
            `insert into booking (id, created_at, updated_at, tenant_id, reference, service_id, resource_id, starts_at, ends_at,
               occupied_start, occupied_end, session_key, status, seats, customer_name, customer_email)
             values ($1, now(), now(), $2, $3, $4, $5, $6, $7, $6, $7, $1, $8, 1, 'Old', 'old@example.com')`,
            [id, tenant, id.slice(0, 8), service, resource, start, end, status],
          );
        }
      },
      async ({ name }) => {
        const rows = await sql(
          name,
          `select b.status, o.active, o.resource_id = b.resource_id as same_resource,
                  o.occupied_start = b.occupied_start and o.occupied_end = b.occupied_end as same_span,
                  o.session_key = b.session_key as same_session, o.tenant_id = b.tenant_id as same_tenant
           from booking b join booking_resource o on o.booking_id = b.id order by b.starts_at, b.status`,
        );
        const same = {
          same_resource: true,
          same_span: true,
          same_session: true,
          same_tenant: true,
        };
        expect(rows).toEqual([
          { status: 'CONFIRMED', active: true, ...same },
          { status: 'CANCELLED', active: false, ...same },
          { status: 'COMPLETED', active: true, ...same },
        ]);
      },
    );
  });
});

describe('the service_pools migration', () => {
  it("makes each existing service's resource its pool of one, assigned by LEAST_BOOKED_DAY", async () => {
    await migratedFrom(
      'Migration20261203140208_booking_resources',
      async () => {},
      async ({ name, tenant, resource, service }) => {
        expect(
          await sql(
            name,
            'select tenant_id, service_id, resource_id, requirement, label, position from service_resource',
          ),
        ).toEqual([
          {
            tenant_id: tenant,
            service_id: service,
            resource_id: resource,
            requirement: 0,
            label: null,
            position: 0,
          },
        ]);
        expect(await sql(name, 'select assignment from service')).toEqual([
          { assignment: 'LEAST_BOOKED_DAY' },
        ]);
      },
    );
  });
});

describe('the reminders migration', () => {
  it('gives every existing business the rule a new one starts with', async () => {
    await migratedFrom(
      'Migration20261203165412_events_and_webhooks',
      async () => {},
      async ({ name, tenant }) => {
        expect(
          await sql(
            name,
            'select tenant_id, offset_minutes, recipient, service_ids, active from reminder_rule',
          ),
        ).toEqual([
          {
            tenant_id: tenant,
            offset_minutes: 1440,
            recipient: 'CUSTOMER',
            service_ids: [],
            active: true,
          },
        ]);
      },
    );
  });
});
