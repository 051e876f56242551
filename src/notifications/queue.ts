import type { EntityManager } from '@mikro-orm/postgresql';
import { fromKysely, type Job, type JobResult, PgBoss } from 'pg-boss';
import type { Config } from '../config.js';

const SEND_QUEUE = 'notification-send';
const DEAD_QUEUE = 'notification-dead';
const WEBHOOK_QUEUE = 'webhook-send';
const HEARTBEAT_SECONDS = 10;
/** Send workers in each process, each sending one message at a time. */
export const SEND_WORKERS = 2;
/** Webhook workers in each process: each waits on one receiver at a time. */
const WEBHOOK_WORKERS = 4;
/** Send jobs a worker takes at once (and sends one after another). */
const SEND_BATCH = 10;

/** Send an endpoint's due deliveries of one booking (or of none: tests), in order. */
export interface WebhookJob {
  tenantId: string;
  endpointId: string;
  bookingId: string | null;
}

export interface SendJob {
  tenantId: string;
  notificationId: string;
}

/** A batch's jobs one after another, each completed or failed on its own. */
function oneByOne<T>(handler: (job: Job<T>) => Promise<void>) {
  return async (jobs: Job<T>[]): Promise<JobResult[]> => {
    const results: JobResult[] = [];
    for (const job of jobs) {
      try {
        await handler(job);
        results.push({ id: job.id, status: 'completed' });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        results.push({ id: job.id, status: 'failed', output: { message } });
      }
    }
    return results;
  };
}

/** pg-boss: jobs sent in the caller's transaction, retried with backoff, then dead-lettered. */
export class NotificationQueue {
  readonly #boss: PgBoss;
  readonly #config: Config;
  #started = false;

  constructor(connectionString: string, config: Config) {
    this.#config = config;
    this.#boss = new PgBoss({
      connectionString,
      schema: 'pgboss',
      max: 4,
      supervise: true,
      superviseIntervalSeconds: config.jobsSuperviseSeconds,
      monitorIntervalSeconds: config.jobsSuperviseSeconds,
    });
  }

  get retryLimit(): number {
    return this.#config.notifyRetryLimit;
  }

  /** Starts pg-boss (installing or migrating its schema) and declares the queues. */
  async start(onError: (err: unknown) => void): Promise<void> {
    this.#boss.on('error', onError);
    await this.#boss.start();
    this.#started = true;
    await this.#boss.createQueue(DEAD_QUEUE, { retryLimit: 0 });
    const options = {
      retryLimit: this.#config.notifyRetryLimit,
      retryDelay: this.#config.notifyRetryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: 3600,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      expireInSeconds: 120,
      deadLetter: DEAD_QUEUE,
    };
    await this.#boss.createQueue(SEND_QUEUE, options).catch(async () => {
      await this.#boss.updateQueue(SEND_QUEUE, options);
    });
    await this.#boss.updateQueue(SEND_QUEUE, options);
    // Webhooks retry on their own schedule (a new job per attempt); these retries cover a crash.
    const hooks = {
      retryLimit: 5,
      retryDelay: 5,
      retryBackoff: true,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      expireInSeconds: 120,
    };
    await this.#boss.createQueue(WEBHOOK_QUEUE, hooks).catch(async () => {
      await this.#boss.updateQueue(WEBHOOK_QUEUE, hooks);
    });
  }

  /** Runs `handler` for each job; `onDead` for each job that ran out of attempts. */
  async work(
    handler: (job: Job<SendJob>) => Promise<void>,
    onDead: (job: Job<SendJob>) => Promise<void>,
  ): Promise<void> {
    // Full batches fetch the next at once; one job at a time, each recorded before the next send.
    await this.#boss.work<SendJob>(
      SEND_QUEUE,
      {
        batchSize: SEND_BATCH,
        burstWhenBatchFull: true,
        perJobResults: true,
        localConcurrency: SEND_WORKERS,
        pollingIntervalSeconds: 1,
      },
      oneByOne(handler),
    );
    await this.#boss.work<SendJob>(
      DEAD_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: 2 },
      async ([job]) => {
        if (job) await onDead(job);
      },
    );
  }

  /** Runs `handler` for each webhook job, a few at once. */
  async workWebhooks(handler: (job: Job<WebhookJob>) => Promise<void>): Promise<void> {
    await this.#boss.work<WebhookJob>(
      WEBHOOK_QUEUE,
      {
        batchSize: SEND_BATCH,
        burstWhenBatchFull: true,
        perJobResults: true,
        localConcurrency: WEBHOOK_WORKERS,
        pollingIntervalSeconds: 0.5,
      },
      oneByOne(handler),
    );
  }

  /** A webhook job, on `em`'s transaction when it has one; not before `startAfter`. */
  async enqueueWebhook(em: EntityManager, job: WebhookJob, startAfter?: Date): Promise<void> {
    await this.#boss.send(WEBHOOK_QUEUE, job, {
      db: fromKysely(em.getKysely()),
      ...(startAfter ? { startAfter } : {}),
    });
  }

  /** Sends a job on the connection of `tx`'s transaction: it exists only if that commits. */
  async enqueue(tx: EntityManager, job: SendJob): Promise<void> {
    await this.#boss.send(SEND_QUEUE, job, { db: fromKysely(tx.getKysely()) });
  }

  /** Whether a send job for the notification waits or runs (a late dead letter leaves it alone). */
  async hasLiveJob(notificationId: string): Promise<boolean> {
    const jobs = await this.#boss.findJobs<SendJob>(SEND_QUEUE, { data: { notificationId } });
    return jobs.some((j) => j.state === 'created' || j.state === 'retry' || j.state === 'active');
  }

  /** Jobs waiting or running, for health and metrics. */
  async depth(): Promise<number> {
    const queue = await this.#boss.getQueue(SEND_QUEUE);
    return queue ? queue.queuedCount + queue.activeCount : 0;
  }

  /** Waits for running jobs to finish (at most `timeoutMs`), then closes pg-boss's pool. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.#boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}
