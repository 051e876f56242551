import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { audit } from '../audit/audit.js';
import { unknownServices } from '../catalog/known-services.js';
import type { RequestContext } from '../context/request-context.js';
import { fail, notFound, ok, type Result, UserErrorCode, userError } from '../shared/errors.js';
import { invalid, isId, pageSize, validateInput } from '../shared/validation.js';
import { requireTenant } from '../tenancy/require-tenant.js';
import { newSecret } from './signing.js';
import { insertDelivery, reopenDeliveries } from './webhook.store.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { type WebhookDeliveryStatus, WebhookPayload } from './webhook-enums.js';
import { hostOf, urlProblem } from './webhook-sender.js';
import {
  MAX_ENDPOINTS,
  type UpdateWebhookEndpointInput,
  type WebhookEndpointInput,
} from './webhooks.types.js';

/** How long the secret before a rotation keeps signing beside the new one. */
const ROTATION_GRACE_MS = 24 * 3600_000;

/** Whether the address may receive webhooks: public unicast only (ipaddr.js's ranges). */
export const isPublicAddress = (address: string) =>
  ipaddr.isValid(address) && ipaddr.process(address).range() === 'unicast';

/** The URL's problems when saved: scheme, and a host that must be (or resolve to) public addresses. */
async function checkUrl(ctx: RequestContext, url: string, field: string[]) {
  const allowHosts = ctx.config.webhookAllowHosts;
  const problem = urlProblem(url, { production: ctx.config.nodeEnv === 'production', allowHosts });
  if (problem) return invalid(field, `${field.join('.')} ${problem}`);
  const host = hostOf(new URL(url));
  if (allowHosts.includes(host)) return null;
  const addresses = ipaddr.isValid(host)
    ? [host]
    : await lookup(host, { all: true, verbatim: true }).then(
        (found) => found.map((a) => a.address),
        () => [],
      );
  if (!addresses.length)
    return invalid(field, `${field.join('.')} names a host that does not resolve`);
  if (!addresses.every(isPublicAddress)) {
    return invalid(
      field,
      `${field.join('.')} must reach a public address, not a private, loopback or reserved one`,
    );
  }
  return null;
}

async function checkServices(ctx: RequestContext, ids: readonly string[], field: string[]) {
  const missing = await unknownServices(ctx, ids);
  return missing.length ? notFound(`service ${missing.join(', ')}`, ...field) : null;
}

async function findEndpoint(ctx: RequestContext, id: string): Promise<WebhookEndpoint | null> {
  return isId(id) ? ctx.em.findOne(WebhookEndpoint, { id }) : null;
}

const noEndpoint = (id: string, field = 'id') => fail(notFound(`webhook endpoint ${id}`, field));

export async function listEndpoints(ctx: RequestContext): Promise<WebhookEndpoint[]> {
  requireTenant(ctx);
  return ctx.em.find(WebhookEndpoint, {}, { orderBy: { createdAt: 'asc' } });
}

export async function createEndpoint(
  ctx: RequestContext,
  input: WebhookEndpointInput,
): Promise<Result<{ endpoint: WebhookEndpoint; secret: string }>> {
  const tenant = requireTenant(ctx);
  const errors = await validateInput(input, ['input']);
  if (errors.length) return fail(...errors);
  const problems = [
    await checkUrl(ctx, input.url.trim(), ['input', 'url']),
    await checkServices(ctx, input.serviceIds, ['input', 'serviceIds']),
  ].filter((e) => e !== null);
  if (problems.length) return fail(...problems);
  if ((await ctx.em.count(WebhookEndpoint, {})) >= MAX_ENDPOINTS) {
    return fail(
      userError(
        UserErrorCode.NOT_ALLOWED,
        `A business has at most ${MAX_ENDPOINTS} webhook endpoints`,
        ['input'],
      ),
    );
  }
  const secret = newSecret();
  const endpoint = ctx.em.create(WebhookEndpoint, {
    tenant: tenant.id,
    url: input.url.trim(),
    events: [...new Set(input.events)],
    serviceIds: [...new Set(input.serviceIds)],
    payload: input.payload ?? WebhookPayload.FULL,
    secretSealed: ctx.webhooks.seal(secret),
  });
  await ctx.em.transactional(async (tx) => {
    await tx.flush();
    await audit(ctx, tx, {
      action: 'webhook.created',
      entityType: 'webhook_endpoint',
      entityId: endpoint.id,
      changes: { url: endpoint.url, events: endpoint.events, payload: endpoint.payload },
    });
  });
  return ok({ endpoint, secret });
}

export async function updateEndpoint(
  ctx: RequestContext,
  id: string,
  input: UpdateWebhookEndpointInput,
): Promise<Result<WebhookEndpoint>> {
  const tenant = requireTenant(ctx);
  const errors = await validateInput(input, ['input']);
  if (errors.length) return fail(...errors);
  const endpoint = await findEndpoint(ctx, id);
  if (!endpoint) return noEndpoint(id);
  const problems = [
    input.url !== undefined ? await checkUrl(ctx, input.url.trim(), ['input', 'url']) : null,
    input.serviceIds ? await checkServices(ctx, input.serviceIds, ['input', 'serviceIds']) : null,
  ].filter((e) => e !== null);
  if (problems.length) return fail(...problems);
  const resuming = input.active === true && !endpoint.active;
  if (input.url !== undefined) endpoint.url = input.url.trim();
  if (input.events) endpoint.events = [...new Set(input.events)];
  if (input.serviceIds) endpoint.serviceIds = [...new Set(input.serviceIds)];
  if (input.payload) endpoint.payload = input.payload;
  if (input.active === false && endpoint.active) {
    endpoint.active = false;
    endpoint.pausedAt = new Date();
    endpoint.pauseReason = 'paused by an admin';
  }
  if (resuming) {
    endpoint.active = true;
    endpoint.pausedAt = null;
    endpoint.pauseReason = null;
  }
  await ctx.em.transactional(async (tx) => {
    await tx.flush();
    if (resuming) {
      // Everything that waited goes out again, oldest first per booking.
      for (const bookingId of await reopenDeliveries(tx, endpoint.id, new Date())) {
        await ctx.webhooks.wake(tx, tenant.id, endpoint.id, bookingId);
      }
    }
    await audit(ctx, tx, {
      action: 'webhook.updated',
      entityType: 'webhook_endpoint',
      entityId: endpoint.id,
      changes: { ...input },
    });
  });
  return ok(endpoint);
}

export async function deleteEndpoint(ctx: RequestContext, id: string): Promise<Result<string>> {
  requireTenant(ctx);
  const endpoint = await findEndpoint(ctx, id);
  if (!endpoint) return noEndpoint(id);
  await ctx.em.transactional(async (tx) => {
    await tx.nativeDelete(WebhookEndpoint, { id });
    await audit(ctx, tx, {
      action: 'webhook.deleted',
      entityType: 'webhook_endpoint',
      entityId: id,
    });
  });
  return ok(id);
}

export async function rotateSecret(
  ctx: RequestContext,
  id: string,
): Promise<Result<{ endpoint: WebhookEndpoint; secret: string }>> {
  requireTenant(ctx);
  const endpoint = await findEndpoint(ctx, id);
  if (!endpoint) return noEndpoint(id);
  const secret = newSecret();
  endpoint.previousSecretSealed = endpoint.secretSealed;
  endpoint.previousSecretUntil = new Date(Date.now() + ROTATION_GRACE_MS);
  endpoint.secretSealed = ctx.webhooks.seal(secret);
  await ctx.em.transactional(async (tx) => {
    await tx.flush();
    await audit(ctx, tx, {
      action: 'webhook.secret_rotated',
      entityType: 'webhook_endpoint',
      entityId: id,
    });
  });
  return ok({ endpoint, secret });
}

/** A delivery of `webhook.test` to the endpoint, through the queue like any other. */
export async function sendTest(ctx: RequestContext, id: string): Promise<Result<WebhookDelivery>> {
  const tenant = requireTenant(ctx);
  const endpoint = await findEndpoint(ctx, id);
  if (!endpoint) return noEndpoint(id);
  const messageId = randomUUID();
  const now = new Date();
  const deliveryId = await ctx.em.transactional(async (tx) => {
    const made = await insertDelivery(tx, {
      endpointId: id,
      messageId,
      eventId: null,
      bookingId: null,
      type: 'webhook.test',
      body: {
        type: 'webhook.test',
        id: messageId,
        occurredAt: now.toISOString(),
        data: { endpointId: id },
      },
      now,
    });
    await ctx.webhooks.wake(tx, tenant.id, id, null);
    return made;
  });
  return ok(await ctx.em.findOneOrFail(WebhookDelivery, { id: deliveryId }));
}

/** The same message again (its `webhook-id` too), at the end of its booking's queue. */
export async function redeliver(
  ctx: RequestContext,
  deliveryId: string,
): Promise<Result<WebhookDelivery>> {
  const tenant = requireTenant(ctx);
  const earlier = isId(deliveryId)
    ? await ctx.em.findOne(WebhookDelivery, { id: deliveryId })
    : null;
  if (!earlier) return fail(notFound(`webhook delivery ${deliveryId}`, 'deliveryId'));
  const endpointId = earlier.endpoint.id;
  const id = await ctx.em.transactional(async (tx) => {
    const made = await insertDelivery(tx, {
      endpointId,
      messageId: earlier.messageId,
      eventId: earlier.eventId,
      bookingId: earlier.bookingId,
      type: earlier.type,
      body: earlier.body,
      now: new Date(),
    });
    await ctx.webhooks.wake(tx, tenant.id, endpointId, earlier.bookingId);
    return made;
  });
  return ok(await ctx.em.findOneOrFail(WebhookDelivery, { id }));
}

const MAX_DELIVERIES = 200;

/** An endpoint's deliveries, newest first. */
export async function listDeliveries(
  ctx: RequestContext,
  endpointId: string,
  status: WebhookDeliveryStatus | null | undefined,
  first: number | null | undefined,
): Promise<WebhookDelivery[]> {
  requireTenant(ctx);
  const limit = pageSize(first, MAX_DELIVERIES);
  if (!isId(endpointId)) return [];
  return ctx.em.find(
    WebhookDelivery,
    { endpoint: endpointId, ...(status ? { status } : {}) },
    { orderBy: { position: 'desc' }, limit },
  );
}
