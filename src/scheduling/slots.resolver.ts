import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { KeepAnswer } from '../cache/declare.js';
import type { RequestContext } from '../context/request-context.js';
import { LocalDateScalar } from '../graphql/scalars.js';
import { SlotType } from './slot.types.js';
import * as slotService from './slots.service.js';

@Resolver()
export class SlotsResolver {
  @KeepAnswer()
  @Query(() => [SlotType], {
    description:
      'public: free slots of an active service, local dates from..to inclusive (at most 62 days)',
  })
  async slots(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID) serviceId: string,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Arg('resourceId', () => ID, {
      nullable: true,
      description: "one member of the service's pool: the customer's choice",
    })
    resourceId: string | null,
  ): Promise<SlotType[]> {
    const slots = await slotService.slots(ctx, serviceId, from, to, resourceId);
    return slots.map((s) =>
      Object.assign(new SlotType(), {
        startsAt: new Date(s.startsAt),
        endsAt: new Date(s.endsAt),
        remainingCapacity: s.remainingCapacity,
        resourceIds: s.resourceIds,
      }),
    );
  }
}
