import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { NotificationQueue } from '../notifications/queue.js';

/** The application's Prometheus metrics (one registry per app, so several can share a process). */
export class Metrics {
  readonly registry = new Registry();
  readonly operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Duration of GraphQL operations by operation name and outcome (ok, error)',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly bookingsCreated = new Counter({
    name: 'bookings_created_total',
    help: 'Bookings created',
    registers: [this.registry],
  });
  readonly bookingConflicts = new Counter({
    name: 'booking_conflicts_total',
    help: 'createBooking and reschedule refusals because another booking holds the time',
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'rate_limited_requests_total',
    help: 'Requests refused by a rate limit, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly notificationsFailed = new Counter({
    name: 'notifications_failed_total',
    help: 'Notifications that ended FAILED after their last attempt',
    registers: [this.registry],
  });

  constructor(orm: MikroORM, queue: NotificationQueue) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'notification_queue_depth',
      help: 'Notification jobs waiting or running',
      registers: [this.registry],
      async collect() {
        this.set(await queue.depth());
      },
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state (total, idle, waiting clients)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const pool = (await orm.em.getConnection().getNativeClient()) as pg.Pool;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }
}
