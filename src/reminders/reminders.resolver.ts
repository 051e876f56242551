import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { Role } from '../access/role.js';
import type { RequestContext } from '../context/request-context.js';
import { PayloadMutation } from '../graphql/payload.js';
import { ReminderRule } from './reminder-rule.entity.js';
import * as reminders from './reminders.js';
import { ReminderRuleInput, ReminderRulesPayload } from './reminders.types.js';

@Resolver(() => ReminderRule)
export class ReminderResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [ReminderRule], { description: "ADMIN: the business's reminder rules" })
  reminderRules(@Ctx() ctx: RequestContext): Promise<ReminderRule[]> {
    return reminders.listRules(ctx);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(ReminderRulesPayload, 'rules', {
    description:
      "ADMIN: replaces the business's reminder rules and re-plans the reminders of the confirmed bookings still to start",
  })
  async setReminderRules(
    @Ctx() ctx: RequestContext,
    @Arg('rules', () => [ReminderRuleInput]) rules: ReminderRuleInput[],
  ) {
    return reminders.setRules(ctx, rules);
  }
}
