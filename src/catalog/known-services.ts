import type { RequestContext } from '../context/request-context.js';
import { isId } from '../shared/validation.js';
import { Service } from './service.entity.js';

/** The ids among `ids` that name no service of the tenant (each at most once, in order). */
export async function unknownServices(
  ctx: RequestContext,
  ids: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(ids)];
  const known = wanted.every(isId)
    ? await ctx.em.find(Service, { id: { $in: wanted } }, { fields: ['id'] })
    : [];
  return wanted.filter((id) => !known.some((s) => s.id === id));
}
