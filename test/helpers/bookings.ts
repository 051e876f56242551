import { randomUUID } from 'node:crypto';
import { sql } from './database.js';

export interface DirectBooking {
  tenantId: string;
  serviceId: string;
  resourceId: string;
  startsAt: string;
  durationMinutes: number;
  bufferBeforeMinutes?: number;
  bufferAfterMinutes?: number;
  status?: string;
  seats?: number;
  /** Bookings of one group session share it; a fresh one otherwise. */
  sessionKey?: string;
}

/** Inserts a booking row directly (for tests of what reads bookings, before creating them through the API). */
export async function insertBooking(database: string, b: DirectBooking): Promise<string> {
  const id = randomUUID();
  const start = Date.parse(b.startsAt);
  const end = start + b.durationMinutes * 60_000;
  await sql(
    database,
    `insert into booking (id, created_at, updated_at, tenant_id, reference, service_id, resource_id, starts_at, ends_at,
       occupied_start, occupied_end, session_key, status, seats, customer_name, customer_email)
     values ($1, now(), now(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'Test Customer', 'customer@example.com')`,
    [
      id,
      b.tenantId,
      id.slice(0, 8).toUpperCase(),
      b.serviceId,
      b.resourceId,
      new Date(start),
      new Date(end),
      new Date(start - (b.bufferBeforeMinutes ?? 0) * 60_000),
      new Date(end + (b.bufferAfterMinutes ?? 0) * 60_000),
      b.sessionKey ?? id,
      b.status ?? 'CONFIRMED',
      b.seats ?? 1,
    ],
  );
  return id;
}
