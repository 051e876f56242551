// A business's website booking a service: list services, show slots, book.
// Run: API_URL=http://localhost:4000 TENANT=demo node docs/examples/frontend-book.ts
import { randomUUID } from 'node:crypto';
import { GraphQLClient } from 'graphql-request';

const apiUrl = process.env.API_URL ?? 'http://localhost:4000';
const tenant = process.env.TENANT ?? 'demo';
// The tenant is named by the path here; a subdomain or the X-Tenant header work too.
const client = new GraphQLClient(`${apiUrl}/t/${tenant}/graphql`);

interface Service {
  id: string;
  name: string;
  durationMinutes: number;
  priceMinor: number | null;
  currency: string | null;
}
interface Slot {
  startsAt: string;
  endsAt: string;
  remainingCapacity: number;
}
interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}

// 1. What can be booked (public: active services only).
const { tenant: business, services } = await client.request<{ tenant: { name: string; timeZone: string }; services: Service[] }>(`
  { tenant { name timeZone } services { id name durationMinutes priceMinor currency } }
`);
const service = services[0];
if (!service) throw new Error(`${business.name} has no services`);

// 2. Free slots over the next two weeks (dates are local to the business's time zone).
const today = new Date().toISOString().slice(0, 10);
const inTwoWeeks = new Date(Date.now() + 13 * 86_400_000).toISOString().slice(0, 10);
const { slots } = await client.request<{ slots: Slot[] }>(
  `query Slots($serviceId: ID!, $from: LocalDate!, $to: LocalDate!) {
    slots(serviceId: $serviceId, from: $from, to: $to) { startsAt endsAt remainingCapacity }
  }`,
  { serviceId: service.id, from: today, to: inTwoWeeks },
);
const slot = slots[0];
if (!slot) throw new Error(`no free slot for ${service.name} in the next two weeks`);

// 3. Book it. The idempotency key makes a retried request (a timeout, a double click) safe.
const { createBooking } = await client.request<{
  createBooking: { booking: { reference: string; startsAt: string; status: string } | null; manageToken: string | null; userErrors: UserError[] };
}>(
  `mutation Book($input: CreateBookingInput!) {
    createBooking(input: $input) {
      booking { reference startsAt status }
      manageToken
      userErrors { code field message }
    }
  }`,
  {
    input: {
      serviceId: service.id,
      startsAt: slot.startsAt,
      customer: {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+44 20 7946 0000',
        // The customer's zone and language: their email and manage page use them.
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        locale: navigator.language,
      },
      notes: 'First visit',
      idempotencyKey: randomUUID(),
    },
  },
);
if (!createBooking.booking) {
  // Expected failures come back as data: show the message next to the field it names.
  throw new Error(createBooking.userErrors.map((e) => `${e.code}: ${e.message}`).join('; '));
}
// Keep the manage token only to build the customer's "change or cancel" link; it is shown once.
console.log(
  JSON.stringify({
    service: service.name,
    reference: createBooking.booking.reference,
    startsAt: createBooking.booking.startsAt,
    status: createBooking.booking.status,
    hasManageToken: createBooking.manageToken !== null,
  }),
);
