import { randomBytes } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import { Blackout } from '../availability/blackout.entity.js';
import { CreateBookingInput } from '../bookings/booking.types.js';
import { createBooking } from '../bookings/bookings.service.js';
import { Resource } from '../catalog/resource.entity.js';
import { Service } from '../catalog/service.entity.js';
import { setServicePool } from '../catalog/service-pool.store.js';
import { type AppServices, systemContext } from '../context/request-context.js';
import { slots } from '../scheduling/slots.service.js';
import { insertTenant } from '../tenancy/tenancy.service.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { TENANT_FILTER } from './tenant-filter.js';

const DEMO_SLUG = 'demo';
const DEMO_ADMIN_EMAIL = 'admin@demo.example';

/** Local development servers' origins, so a frontend in development can call the demo. */
const DEMO_ALLOWED_ORIGINS = [3000, 4200, 5173, 8080].flatMap((port) => [
  `http://localhost:${port}`,
  `http://127.0.0.1:${port}`,
]);

/** On the first start against an empty database: the demo tenant, its services and an admin. */
export async function seedDemoData(app: AppServices, log: (msg: string) => void): Promise<boolean> {
  const { orm } = app;
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
  tenant.allowedOrigins = DEMO_ALLOWED_ORIGINS;
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
  const haircut = em.create(Service, {
    tenant,
    resource,
    name: 'Haircut',
    description: 'Wash, cut and finish.',
    durationMinutes: 30,
    bufferAfterMinutes: 10,
    priceMinor: 3500,
    currency: 'GBP',
  });
  const consultation = em.create(Service, {
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
  for (const service of [haircut, consultation]) {
    await setServicePool(em, service.id, { pool: [resource.id], requirements: [] });
  }
  await seedDemoBookings(app, tenant, [haircut.id, haircut.id, consultation.id]);
  log('');
  log('Demo tenant "demo" created. Admin login (shown only this once):');
  log(`  tenant:   ${DEMO_SLUG}   (X-Tenant: ${DEMO_SLUG}, or /t/${DEMO_SLUG}/graphql)`);
  log(`  email:    ${DEMO_ADMIN_EMAIL}`);
  log(`  password: ${password}`);
  log('');
  return true;
}

const DEMO_CUSTOMERS = [
  { name: 'Ada Lovelace', email: 'ada@customer.example', phone: '+44 20 7946 0001' },
  { name: 'Alan Turing', email: 'alan@customer.example', phone: null },
  { name: 'Grace Hopper', email: 'grace@customer.example', phone: null },
];

/** A few bookings over the coming week, made through createBooking like any other. */
async function seedDemoBookings(
  app: AppServices,
  tenant: Tenant,
  serviceIds: string[],
): Promise<void> {
  const today = Temporal.Now.plainDateISO(tenant.timeZone);
  for (const [i, serviceId] of serviceIds.entries()) {
    const ctx = systemContext(app, tenant);
    const free = await slots(
      ctx,
      serviceId,
      today.add({ days: 1 }).toString(),
      today.add({ days: 8 }).toString(),
    );
    const slot = free[(i * 7) % Math.max(free.length, 1)];
    if (!slot) continue;
    const customer = DEMO_CUSTOMERS[i % DEMO_CUSTOMERS.length];
    await createBooking(
      ctx,
      Object.assign(new CreateBookingInput(), {
        serviceId,
        startsAt: new Date(slot.startsAt),
        seats: 1,
        customer,
        notes: i === 0 ? 'First visit' : null,
      }),
    );
  }
}
