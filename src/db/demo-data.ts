import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Temporal } from 'temporal-polyfill';
import { Blackout } from '../availability/blackout.entity.js';
import { Resource } from '../catalog/resource.entity.js';
import { Service } from '../catalog/service.entity.js';
import { insertTenant } from '../tenancy/tenancy.service.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { TENANT_FILTER } from './tenant-filter.js';

export const DEMO_SLUG = 'demo';
export const DEMO_ADMIN_EMAIL = 'admin@demo.example';

/**
 * On the first start against an empty database: the demo tenant (Europe/London), its
 * resource, two services and an admin user whose password is printed once. Does nothing
 * when any tenant exists.
 */
export async function seedDemoData(orm: MikroORM, log: (msg: string) => void): Promise<boolean> {
  const em = orm.em.fork();
  if ((await em.count(Tenant, {})) > 0) return false;
  const password = randomBytes(12).toString('base64url');
  const tenant = await insertTenant(em, {
    slug: DEMO_SLUG,
    name: 'Demo Salon',
    timeZone: 'Europe/London',
    email: 'bookings@demo.example',
    adminEmail: DEMO_ADMIN_EMAIL,
    adminPassword: password,
  });
  em.setFilterParams(TENANT_FILTER, { tenantId: tenant.id });
  const resource = await em.findOneOrFail(Resource, {});
  resource.name = 'Sam (stylist)';
  // Opening hours: Monday to Friday 09:00-17:00, Saturday 10:00-14:00.
  resource.weeklyPattern = [
    ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: 9 * 60, end: 17 * 60 })),
    { weekday: 6, start: 10 * 60, end: 14 * 60 },
  ];
  // A blackout: the next Wednesday afternoon, for team training.
  const today = Temporal.Now.plainDateISO(tenant.timeZone);
  const wednesday = today.add({ days: (3 - today.dayOfWeek + 7) % 7 || 7 });
  const at = (hour: number) =>
    new Date(
      wednesday.toZonedDateTime({ timeZone: tenant.timeZone, plainTime: { hour } })
        .epochMilliseconds,
    );
  em.create(Blackout, {
    tenant,
    resource: null,
    startsAt: at(13),
    endsAt: at(17),
    reason: 'Team training',
  });
  em.create(Service, {
    tenant,
    resource,
    name: 'Haircut',
    description: 'Wash, cut and finish.',
    durationMinutes: 30,
    bufferAfterMinutes: 10,
    priceMinor: 3500,
    currency: 'GBP',
  });
  em.create(Service, {
    tenant,
    resource,
    name: 'Colour consultation',
    description: 'A chat about colour, with a strand test.',
    durationMinutes: 60,
    priceMinor: 0,
    currency: 'GBP',
    requiresConfirmation: true,
  });
  await em.flush();
  log('');
  log('Demo tenant "demo" created. Admin login (shown only this once):');
  log(`  tenant:   ${DEMO_SLUG}   (X-Tenant: ${DEMO_SLUG}, or /t/${DEMO_SLUG}/graphql)`);
  log(`  email:    ${DEMO_ADMIN_EMAIL}`);
  log(`  password: ${password}`);
  log('');
  return true;
}
