import { ArrayMaxSize, ArrayMinSize, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { BookingEventType } from '../events/booking-event-type.js';
import { Payload } from '../shared/errors.js';
import { NotNull, Rule, Trimmed } from '../shared/validation.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WebhookPayload } from './webhook-enums.js';

/** Most endpoints a tenant may have. */
export const MAX_ENDPOINTS = 20;
const MAX_SERVICES = 100;

@InputType()
export class WebhookEndpointInput {
  @Field({
    description: 'https in production; the address must be public (checked when sending too)',
  })
  @MaxLength(2000)
  url!: string;

  @Field(() => [BookingEventType])
  @ArrayMinSize(1, { message: 'must name at least one event type' })
  events!: BookingEventType[];

  @Field(() => [ID], {
    defaultValue: [],
    description: 'only bookings of these services; empty: all',
  })
  @ArrayMaxSize(MAX_SERVICES)
  serviceIds!: string[];

  @Field(() => WebhookPayload, { nullable: true, defaultValue: WebhookPayload.FULL })
  payload?: WebhookPayload | null;
}

@InputType({ description: 'What to change; omitted fields keep their value' })
export class UpdateWebhookEndpointInput {
  @Field(() => String, { nullable: true })
  @NotNull()
  @Trimmed(1, 2000)
  url?: string;

  @Field(() => [BookingEventType], { nullable: true })
  @NotNull()
  @Rule((v) => Array.isArray(v) && v.length > 0, 'must name at least one event type')
  events?: BookingEventType[];

  @Field(() => [ID], { nullable: true })
  @NotNull()
  @Rule(
    (v) => Array.isArray(v) && v.length <= MAX_SERVICES,
    `must name at most ${MAX_SERVICES} services`,
  )
  serviceIds?: string[];

  @Field(() => WebhookPayload, { nullable: true })
  @NotNull()
  payload?: WebhookPayload;

  @Field(() => Boolean, {
    nullable: true,
    description: 'false pauses; true resumes, sending every delivery that waits, in order',
  })
  @NotNull()
  active?: boolean;
}

@ObjectType()
export class WebhookEndpointPayload extends Payload {
  @Field(() => WebhookEndpoint, { nullable: true })
  endpoint: WebhookEndpoint | null = null;
}

@ObjectType()
export class WebhookSecretPayload extends Payload {
  @Field(() => WebhookEndpoint, { nullable: true })
  endpoint: WebhookEndpoint | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'The signing secret (whsec_...), shown once.',
  })
  secret: string | null = null;
}

@ObjectType()
export class WebhookDeliveryPayload extends Payload {
  @Field(() => WebhookDelivery, { nullable: true })
  delivery: WebhookDelivery | null = null;
}
