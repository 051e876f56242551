import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Job } from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { forkForTenant } from '../db/tenant-filter.js';
import type { Notifier } from '../notifications/notifier.js';
import type { NotificationQueue, WebhookJob } from '../notifications/queue.js';
import type { SealedBox } from '../notifications/sealed-box.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { signedHeaders } from './signing.js';
import { claimHead, type PlannedEvent, planDeliveries, recordAttempt } from './webhook.store.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WebhookDeliveryStatus } from './webhook-enums.js';
import { post } from './webhook-sender.js';

/** Plans deliveries with the events and sends them, in order per endpoint and booking. */
export class Webhooks {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: Config,
    private readonly queue: NotificationQueue,
    private readonly box: SealedBox,
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  /**
   * How long a sender holds an endpoint's queue of one booking: longer than an attempt and
   * its recording, so that only a sender that died loses it.
   */
  private get leaseMs(): number {
    return 2 * this.config.webhookTimeoutMs + 10_000;
  }

  seal(secret: string): string {
    return this.box.seal(secret);
  }

  /** In the event's transaction: a delivery for each endpoint that takes it, and jobs to send. */
  async plan(tx: EntityManager, tenantId: string, event: PlannedEvent): Promise<void> {
    const wake = await planDeliveries(tx, event);
    for (const endpointId of wake) await this.wake(tx, tenantId, endpointId, event.bookingId);
  }

  /** A job to send the endpoint's queue of the booking, on `em`'s transaction. */
  wake(
    em: EntityManager,
    tenantId: string,
    endpointId: string,
    bookingId: string | null,
    at?: Date,
  ) {
    return this.queue.enqueueWebhook(em, { tenantId, endpointId, bookingId }, at);
  }

  /** The worker's job: sends the due deliveries of one endpoint and booking, oldest first. */
  async deliver(job: Job<WebhookJob>): Promise<void> {
    const { tenantId, endpointId, bookingId } = job.data;
    for (;;) {
      const em = forkForTenant(this.orm, tenantId);
      const endpoint = await em.findOne(WebhookEndpoint, { id: endpointId });
      if (!endpoint?.active) return;
      const now = new Date();
      const head = await claimHead(
        em,
        endpointId,
        bookingId,
        now,
        new Date(now.getTime() + this.leaseMs),
      );
      if (head.state === 'none') return;
      // Its holder may stop without finishing: look again when the lease ends.
      if (head.state === 'busy') return this.wake(em, tenantId, endpointId, bookingId, head.until);
      // A failed delivery waits for its retry, whose job is planned; the later ones behind it.
      if (head.state === 'later') return;
      const body = JSON.stringify(head.body);
      const timestamp = Math.floor(Date.now() / 1000);
      const outcome = await post(
        endpoint.url,
        signedHeaders(this.secretsOf(endpoint, now), head.messageId, timestamp, body),
        body,
        {
          production: this.config.nodeEnv === 'production',
          allowHosts: this.config.webhookAllowHosts,
          timeoutMs: this.config.webhookTimeoutMs,
          userAgent: 'booking-api webhooks',
        },
      );
      const at = new Date();
      if (outcome.succeeded) {
        await em.transactional((tx) =>
          recordAttempt(tx, head.id, outcome, {
            status: WebhookDeliveryStatus.SUCCEEDED,
            at,
            firstFailedAt: head.firstFailedAt,
          }),
        );
        continue;
      }
      const schedule = this.config.webhookRetrySchedule;
      const failures = head.failures + 1;
      const delay = schedule[failures - 1];
      await em.transactional(async (tx) => {
        const firstFailedAt = head.firstFailedAt ?? at;
        if (delay !== undefined) {
          const retryAt = new Date(at.getTime() + delay * 1000);
          await recordAttempt(tx, head.id, outcome, {
            status: WebhookDeliveryStatus.RETRYING,
            at,
            retryAt,
            firstFailedAt,
          });
          await this.wake(tx, tenantId, endpointId, bookingId, retryAt);
          return;
        }
        await recordAttempt(tx, head.id, outcome, {
          status: WebhookDeliveryStatus.FAILED,
          at,
          firstFailedAt,
        });
        await this.pause(tx, tenantId, endpoint, outcome.error ?? 'failed');
      });
      this.log.warn(
        { endpointId, deliveryId: head.id, attempt: failures, error: outcome.error },
        delay === undefined
          ? 'webhook delivery failed for good; endpoint paused'
          : 'webhook delivery failed',
      );
      return;
    }
  }

  /** The secrets that sign now: the current one, and the one before it for its grace period. */
  private secretsOf(endpoint: WebhookEndpoint, now: Date): string[] {
    const current = this.box.open(endpoint.secretSealed);
    if (!current) throw new Error(`the secret of webhook endpoint ${endpoint.id} cannot be read`);
    const previous =
      endpoint.previousSecretSealed &&
      endpoint.previousSecretUntil &&
      endpoint.previousSecretUntil > now
        ? this.box.open(endpoint.previousSecretSealed)
        : null;
    return previous ? [current, previous] : [current];
  }

  /** Pauses the endpoint after a delivery failed for the whole retry window; the admins are emailed. */
  private async pause(
    tx: EntityManager,
    tenantId: string,
    endpoint: WebhookEndpoint,
    error: string,
  ) {
    const reason = `A delivery failed for ${this.windowHours()} hours; last error: ${error}`.slice(
      0,
      1000,
    );
    const changed = await tx.nativeUpdate(
      WebhookEndpoint,
      { id: endpoint.id, active: true },
      { active: false, pausedAt: new Date(), pauseReason: reason, updatedAt: new Date() },
    );
    if (!changed) return;
    const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
    await this.notifier.webhookPaused(tx, tenant, { url: endpoint.url, reason });
  }

  private windowHours(): number {
    const seconds = this.config.webhookRetrySchedule.reduce((a, b) => a + b, 0);
    return Math.round((seconds / 3600) * 10) / 10;
  }
}
