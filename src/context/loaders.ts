import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { UserResource } from '../access/user-resource.entity.js';
import { Booking } from '../bookings/booking.entity.js';
import { occupancies } from '../bookings/booking.store.js';
import { Resource } from '../catalog/resource.entity.js';
import { Service } from '../catalog/service.entity.js';
import { type PoolSpec, poolRows, specOf } from '../catalog/service-pool.store.js';

/** The rows a `loadMany` found, in order (the ids that matched nothing left out). */
export const present = <T>(rows: readonly (T | null | Error)[]): T[] =>
  rows.filter((r): r is T => r !== null && !(r instanceof Error));

/** Batches loads of one entity type by id into one `WHERE id IN (...)` per tick. */
function byId<T extends { id: string }>(
  em: EntityManager,
  entity: new (...args: never[]) => T,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = (await em.find(entity as never, { id: { $in: [...ids] } } as never)) as T[];
    const byKey = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byKey.get(id) ?? null);
  });
}

/** Each user's resources (in creation order), for all the users a tick asks about at once. */
function resourcesOfUsers(em: EntityManager): DataLoader<string, Resource[]> {
  return new DataLoader<string, Resource[]>(async (userIds) => {
    const links = await em.find(
      UserResource,
      { user: { $in: [...userIds] } },
      { populate: ['resource'], orderBy: { resource: { createdAt: 'asc', id: 'asc' } } },
    );
    return userIds.map((id) =>
      links.filter((l) => l.user.id === id).map((l) => l.resource.getEntity()),
    );
  });
}

/** Each service's pool and requirements (resource ids), for all the services of a tick. */
function poolsOf(em: EntityManager): DataLoader<string, PoolSpec> {
  return new DataLoader<string, PoolSpec>(async (serviceIds) => {
    const found = await poolRows(em, serviceIds);
    return serviceIds.map((id) => specOf(found.filter((r) => r.serviceId === id)));
  });
}

/** The resources each booking occupies, its own first. */
function occupiedBy(em: EntityManager): DataLoader<string, string[]> {
  return new DataLoader<string, string[]>(async (bookingIds) => {
    const found = await occupancies(em, bookingIds);
    return bookingIds.map((id) => found.filter((o) => o.bookingId === id).map((o) => o.resourceId));
  });
}

/** The request's DataLoaders: one set per request, reading through its tenant-filtered fork. */
export function createLoaders(em: EntityManager) {
  return {
    resource: byId(em, Resource),
    service: byId(em, Service),
    booking: byId(em, Booking),
    resourcesOfUser: resourcesOfUsers(em),
    pool: poolsOf(em),
    occupied: occupiedBy(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
