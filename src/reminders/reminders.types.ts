import { ArrayMaxSize } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Payload } from '../shared/errors.js';
import { Whole } from '../shared/validation.js';
import { ReminderRecipient, ReminderRule } from './reminder-rule.entity.js';

/** Most reminder rules a business keeps. */
export const MAX_RULES = 10;
/** The earliest a reminder may go: 30 days before the start. */
export const MAX_OFFSET_MINUTES = 30 * 24 * 60;

@InputType()
export class ReminderRuleInput {
  @Field(() => Int, { description: 'minutes before the start, 1 to 43200 (30 days)' })
  @Whole(1, MAX_OFFSET_MINUTES)
  offsetMinutes!: number;

  @Field(() => ReminderRecipient)
  recipient!: ReminderRecipient;

  @Field(() => [ID], {
    defaultValue: [],
    description: 'only bookings of these services; empty: all',
  })
  @ArrayMaxSize(100)
  serviceIds!: string[];

  @Field(() => Boolean, { defaultValue: true })
  active!: boolean;
}

@ObjectType()
export class ReminderRulesPayload extends Payload {
  @Field(() => [ReminderRule], { nullable: true })
  rules: ReminderRule[] | null = null;
}
