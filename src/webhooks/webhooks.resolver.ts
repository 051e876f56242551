import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { DeletePayload } from '../access/access.types.js';
import { Role } from '../access/role.js';
import type { RequestContext } from '../context/request-context.js';
import { PayloadMutation } from '../graphql/payload.js';
import { WebhookAttempt, WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WebhookDeliveryStatus } from './webhook-enums.js';
import * as webhooks from './webhooks.service.js';
import {
  UpdateWebhookEndpointInput,
  WebhookDeliveryPayload,
  WebhookEndpointInput,
  WebhookEndpointPayload,
  WebhookSecretPayload,
} from './webhooks.types.js';

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [WebhookEndpoint], { description: 'ADMIN: where booking events are pushed' })
  webhookEndpoints(@Ctx() ctx: RequestContext): Promise<WebhookEndpoint[]> {
    return webhooks.listEndpoints(ctx);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [WebhookDelivery], { description: "ADMIN: an endpoint's deliveries, newest first" })
  webhookDeliveries(
    @Ctx() ctx: RequestContext,
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('status', () => WebhookDeliveryStatus, { nullable: true })
    status: WebhookDeliveryStatus | null,
    @Arg('first', () => Int, { nullable: true, description: 'at most 200; default 50' })
    first: number | null,
  ): Promise<WebhookDelivery[]> {
    return webhooks.listDeliveries(ctx, endpointId, status, first);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(WebhookSecretPayload, undefined, {
    description: 'the signing secret is in the answer, and only there',
  })
  async createWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => WebhookEndpointInput) input: WebhookEndpointInput,
  ) {
    return webhooks.createEndpoint(ctx, input);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(WebhookEndpointPayload, 'endpoint', {
    description: 'active: true resumes a paused endpoint and sends what waited',
  })
  async updateWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput,
  ) {
    return webhooks.updateEndpoint(ctx, id, input);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(DeletePayload, 'deletedId')
  async deleteWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return webhooks.deleteEndpoint(ctx, id);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(WebhookSecretPayload, undefined, {
    description: 'a new secret, shown once; the old one keeps signing beside it for 24 hours',
  })
  async rotateWebhookSecret(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return webhooks.rotateSecret(ctx, id);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(WebhookDeliveryPayload, 'delivery', {
    description: 'a signed `webhook.test` delivery, through the queue like the others',
  })
  async sendTestWebhook(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return webhooks.sendTest(ctx, id);
  }

  @Authorized(Role.ADMIN)
  @PayloadMutation(WebhookDeliveryPayload, 'delivery', {
    description: 'the same message (same webhook-id) once more, after what waits for its booking',
  })
  async redeliverWebhook(
    @Ctx() ctx: RequestContext,
    @Arg('deliveryId', () => ID) deliveryId: string,
  ) {
    return webhooks.redeliver(ctx, deliveryId);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => ID)
  endpointId(@Root() delivery: WebhookDelivery): string {
    return delivery.endpoint.id;
  }

  @FieldResolver(() => [WebhookAttempt], { description: 'every attempt, oldest first' })
  attempts(
    @Root() delivery: WebhookDelivery,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookAttempt[]> {
    return ctx.em.find(
      WebhookAttempt,
      { delivery: delivery.id },
      { orderBy: { createdAt: 'asc' } },
    );
  }
}
