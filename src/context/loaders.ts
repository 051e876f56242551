import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { UserResource } from '../access/user-resource.entity.js';
import { Booking } from '../bookings/booking.entity.js';
import { Resource } from '../catalog/resource.entity.js';
import { Service } from '../catalog/service.entity.js';

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

/** The request's DataLoaders: one set per request, reading through its tenant-filtered fork. */
export function createLoaders(em: EntityManager) {
  return {
    resource: byId(em, Resource),
    service: byId(em, Service),
    booking: byId(em, Booking),
    resourcesOfUser: resourcesOfUsers(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
