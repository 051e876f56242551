import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars.js';

@ObjectType('Slot')
export class SlotType {
  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => DateTimeScalar)
  endsAt!: Date;

  @Field(() => Int)
  remainingCapacity!: number;

  @Field(() => [ID], {
    description: 'the members of the pool that could take it, in the order the policy picks them',
  })
  resourceIds!: string[];
}
