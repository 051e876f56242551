import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Job } from 'pg-boss';
import type { Logger } from 'pino';
import { Role } from '../access/role.js';
import { User } from '../access/user.entity.js';
import type { Booking } from '../bookings/booking.entity.js';
import { BookingStatus } from '../bookings/booking-status.js';
import type { Config } from '../config.js';
import { forkForTenant } from '../db/tenant-filter.js';
import { en, type MessageKey } from '../i18n/en.js';
import { messagesFor } from '../i18n/messages.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { inviteIcs } from './calendar.js';
import type { Mailer, OutgoingMail } from './mailer.js';
import {
  type AccountMailPayload,
  type BookingMailPayload,
  type NoticeMailPayload,
  Notification,
  type ReminderMailPayload,
} from './notification.entity.js';
import {
  insertNotifications,
  releaseDueReminders,
  updateNotification,
} from './notification.store.js';
import { NotificationStatus } from './notification-status.js';
import type { NotificationQueue, SendJob } from './queue.js';
import type { SealedBox } from './sealed-box.js';
import {
  bookingPrice,
  type EmailContent,
  formatInstant,
  formatWhen,
  renderEmail,
} from './templates.js';

/** What happened to a booking, as far as the people involved need to hear. */
type BookingEvent =
  | { type: 'created' }
  | { type: 'manage_link' }
  | { type: 'confirmed' }
  | { type: 'cancelled'; by: 'admin' | 'customer'; reason: string | null }
  | { type: 'rescheduled'; by: 'admin' | 'customer'; previousStartsAt: Date; previousEndsAt: Date };

/** What recording an event reads of the booking (an entity, or createBooking's plain one). */
type EventBooking = Pick<
  Booking,
  'id' | 'customerEmail' | 'status' | 'sequence' | 'startsAt' | 'endsAt'
>;

/** The customer hears of every event, the business of new bookings and the customer's changes. */
function recipients(event: BookingEvent, booking: EventBooking, tenant: Tenant) {
  const what =
    event.type === 'created' && booking.status === BookingStatus.PENDING ? 'requested' : event.type;
  // The link sent again goes to the customer only, as do the business's own changes.
  const toBusiness = event.type === 'created' || ('by' in event && event.by === 'customer');
  return [
    { kind: `booking.${what}.customer`, recipient: booking.customerEmail },
    ...(toBusiness ? [{ kind: `booking.${event.type}.business`, recipient: tenant.email }] : []),
  ];
}

/** The kinds of email whose subject, heading and opening the catalogues have. */
type WordedKind = {
  [K in MessageKey]: K extends `${infer Kind}.subject` ? Kind : never;
}[MessageKey];

/** The catalogue keys of a notification's kind; an unknown kind is a programming error. */
function wording(kind: string): WordedKind {
  if (`${kind}.subject` in en) return kind as WordedKind;
  throw new Error(`no wording for notification kind ${kind}`);
}

export class Notifier {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: Config,
    private readonly queue: NotificationQueue,
    private readonly mailer: Mailer,
    private readonly box: SealedBox,
    private readonly log: Logger,
    /** Called when a notification ends FAILED (metrics). */
    private readonly onFailed: () => void = () => {},
  ) {}

  /** Encrypts a token with SECRET_KEY (the booking's copy of its manage token). */
  seal(token: string): string {
    return this.box.seal(token);
  }

  /** The domain of the sender address: Message-IDs and calendar UIDs are made under it. */
  private get mailDomain(): string {
    return /@([^>\s]+)>?\s*$/.exec(this.config.mailFrom)?.[1] ?? 'localhost';
  }

  /** Records an event's notifications and their jobs in `tx`: nothing is sent unless it commits. */
  async bookingEvent(
    tx: EntityManager,
    tenant: Tenant,
    booking: EventBooking,
    service: { name: string },
    event: BookingEvent,
  ): Promise<void> {
    const enabled = this.config.emailEnabled && tenant.emailEnabled;
    const base: Omit<BookingMailPayload, 'sealedManageToken'> = {
      method: event.type === 'cancelled' ? 'CANCEL' : 'REQUEST',
      sequence: booking.sequence,
      serviceName: service.name,
      startsAt: booking.startsAt.toISOString(),
      endsAt: booking.endsAt.toISOString(),
      ...(event.type === 'cancelled' ? { reason: event.reason, by: event.by } : {}),
      ...(event.type === 'rescheduled'
        ? {
            previousStartsAt: event.previousStartsAt.toISOString(),
            previousEndsAt: event.previousEndsAt.toISOString(),
            by: event.by,
          }
        : {}),
    };
    // The manage link comes from the booking's own sealed copy of its token, in every email.
    const rows = recipients(event, booking, tenant).map(({ kind, recipient }) => ({
      id: randomUUID(),
      kind,
      recipient,
      payload: base,
    }));
    const status = enabled ? NotificationStatus.QUEUED : NotificationStatus.SKIPPED;
    await insertNotifications(tx, tenant.id, booking.id, status, rows);
    if (!enabled) return;
    for (const row of rows) {
      await this.queue.enqueue(tx, { tenantId: tenant.id, notificationId: row.id });
    }
  }

  /** Records an account's email (an invitation, a password reset) and its job in `tx`. */
  async accountEvent(
    tx: EntityManager,
    tenant: Tenant,
    mail: { account: AccountMailPayload['account']; recipient: string; token: string } & Omit<
      AccountMailPayload,
      'account' | 'sealedToken'
    >,
  ): Promise<void> {
    const { account, recipient, token, ...rest } = mail;
    const id = randomUUID();
    // Not the tenant's switch: without this email nobody can join or get back in.
    const status = this.config.emailEnabled
      ? NotificationStatus.QUEUED
      : NotificationStatus.SKIPPED;
    const payload: AccountMailPayload = { account, sealedToken: this.box.seal(token), ...rest };
    await insertNotifications(tx, tenant.id, null, status, [
      { id, kind: `account.${account}`, recipient, payload },
    ]);
    if (status === NotificationStatus.QUEUED) {
      await this.queue.enqueue(tx, { tenantId: tenant.id, notificationId: id });
    }
  }

  /** Emails each active admin of the tenant that a webhook endpoint was paused, in `tx`. */
  async webhookPaused(
    tx: EntityManager,
    tenant: Tenant,
    notice: Omit<NoticeMailPayload, 'notice'>,
  ): Promise<void> {
    const admins = await tx.find(User, { role: Role.ADMIN, active: true }, { fields: ['email'] });
    if (!admins.length) return;
    const status = this.config.emailEnabled
      ? NotificationStatus.QUEUED
      : NotificationStatus.SKIPPED;
    const rows = admins.map((admin) => ({
      id: randomUUID(),
      kind: 'notice.webhook_paused',
      recipient: admin.email,
      payload: { notice: 'webhook_paused' as const, ...notice },
    }));
    await insertNotifications(tx, tenant.id, null, status, rows);
    if (status !== NotificationStatus.QUEUED) return;
    for (const row of rows) {
      await this.queue.enqueue(tx, { tenantId: tenant.id, notificationId: row.id });
    }
  }

  /** Puts a FAILED notification back in the queue, in one transaction. False when it is not FAILED. */
  async retry(em: EntityManager, tenantId: string, id: string): Promise<boolean> {
    return em.transactional(async (tx) => {
      const updated = await updateNotification(
        tx,
        id,
        { status: NotificationStatus.QUEUED },
        NotificationStatus.FAILED,
      );
      if (updated === 0) return false;
      await this.queue.enqueue(tx, { tenantId, notificationId: id });
      return true;
    });
  }

  /** The worker's job: sends one notification, the attempt recorded first; a failure is retried. */
  async deliver(job: Job<SendJob>): Promise<void> {
    const em = forkForTenant(this.orm, job.data.tenantId);
    const notification = await em.findOne(
      Notification,
      { id: job.data.notificationId },
      { populate: ['booking', 'booking.service'] },
    );
    const done = [NotificationStatus.SENT, NotificationStatus.SKIPPED];
    if (!notification || done.includes(notification.status)) return;
    const tenant = await em.findOneOrFail(Tenant, { id: job.data.tenantId });
    const id = notification.id;
    const payload = notification.payload;
    // Mail to the business's own people does not follow the tenant's switch for customers'.
    const isAccount = 'account' in payload;
    const isNotice = 'notice' in payload;
    if (!this.config.emailEnabled || (!tenant.emailEnabled && !isAccount && !isNotice)) {
      await updateNotification(em, id, { status: NotificationStatus.SKIPPED });
      return;
    }
    const attempts = notification.attempts + 1;
    // The attempt is recorded before the message goes out.
    await updateNotification(em, id, { attempts, status: NotificationStatus.QUEUED });
    try {
      if (isAccount) {
        await this.mailer.send(this.composeAccount(notification, payload, tenant));
      } else if (isNotice) {
        await this.mailer.send(this.composeNotice(notification, payload, tenant));
      } else {
        const booking = notification.booking?.getEntity();
        if (!booking) throw new Error('the booking no longer exists');
        // A reminder goes only for the booking as it still is: confirmed, at the time planned.
        const stale = 'reminder' in payload ? staleReminder(payload, booking) : null;
        if (stale) {
          await updateNotification(em, id, {
            status: NotificationStatus.SKIPPED,
            lastError: stale,
          });
          return;
        }
        await this.mailer.send(this.compose(notification, payload, booking, tenant));
      }
    } catch (err) {
      const last = job.retryCount >= this.queue.retryLimit;
      const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
      await updateNotification(
        em,
        id,
        last ? { lastError, status: NotificationStatus.FAILED } : { lastError },
      );
      if (last) this.onFailed();
      this.log.error(
        { notificationId: id, attempt: attempts, final: last, err },
        'notification not sent',
      );
      throw err;
    }
    // The token has reached its only reader: drop the sealed copy.
    const {
      sealedManageToken: _manage,
      sealedToken: _link,
      ...kept
    } = payload as Partial<BookingMailPayload & AccountMailPayload>;
    await updateNotification(em, id, {
      status: NotificationStatus.SENT,
      sentAt: new Date(),
      lastError: null,
      payload: kept as typeof payload,
    });
  }

  /** A job that ran out of attempts, including ones whose worker died mid-way: FAILED, visibly. */
  async dead(job: Job<SendJob>): Promise<void> {
    // A retry may have queued the notification again: then the new job owns it.
    if (await this.queue.hasLiveJob(job.data.notificationId)) return;
    const em = forkForTenant(this.orm, job.data.tenantId);
    await updateNotification(
      em,
      job.data.notificationId,
      { status: NotificationStatus.FAILED },
      NotificationStatus.QUEUED,
    );
    const notification = await em.findOne(Notification, { id: job.data.notificationId });
    if (notification?.status === NotificationStatus.FAILED && !notification.lastError) {
      await updateNotification(em, notification.id, {
        lastError: 'the sending worker stopped before it finished (no heartbeat)',
      });
    }
  }

  /** A message to one of the business's people: no calendar invite, replies to the business. */
  private toBusinessPeople(
    notification: Notification,
    tenant: Tenant,
    content: { subject: string; html: string; text: string },
  ): OutgoingMail {
    return {
      messageId: `<notification-${notification.id}@${this.mailDomain}>`,
      to: notification.recipient,
      replyTo: tenant.email,
      ...content,
      ics: null,
    };
  }

  /** A notice to an admin: what stopped, why, and where to start it again. */
  composeNotice(notification: Notification, p: NoticeMailPayload, tenant: Tenant): OutgoingMail {
    const m = messagesFor(tenant.locale);
    const values = { url: p.url, business: tenant.name };
    const subject = m.t('notice.webhook_paused.subject', values);
    const { html, text } = renderEmail({
      subject,
      heading: m.t('notice.webhook_paused.heading'),
      intro: m.t('notice.webhook_paused.intro', values),
      details: [{ label: m.t('label.reason'), value: p.reason }],
      notes: [],
      action: { url: this.config.consoleUrl, label: m.t('notice.webhook_paused.action') },
      businessName: tenant.name,
      footer: m.t('footer.admin'),
      language: m.language,
      colon: m.t('text.colon'),
    });
    return this.toBusinessPeople(notification, tenant, { subject, html, text });
  }

  /** The message of an account's email: the one-time link into the console, no password. */
  composeAccount(notification: Notification, p: AccountMailPayload, tenant: Tenant): OutgoingMail {
    const token = p.sealedToken ? this.box.open(p.sealedToken) : null;
    if (!token) throw new Error('the link of this email can no longer be read');
    const url = new URL(this.config.consoleUrl);
    url.searchParams.set('tenant', tenant.slug);
    url.hash = `${p.account === 'invitation' ? 'invitation' : 'reset'}=${encodeURIComponent(token)}`;
    const m = messagesFor(tenant.locale);
    const values = {
      business: tenant.name,
      role: m.t(p.role === 'ADMIN' ? 'role.admin' : 'role.staff'),
      expires: formatInstant(new Date(p.expiresAt), tenant.timeZone, m),
    };
    const subject = m.t(`account.${p.account}.subject`, values);
    const { html, text } = renderEmail({
      subject,
      heading: m.t(`account.${p.account}.heading`, values),
      intro: m.t(`account.${p.account}.intro`, values),
      details: [],
      notes: [],
      action: { url: url.toString(), label: m.t(`account.${p.account}.action`) },
      businessName: tenant.name,
      footer: m.t('footer.account'),
      language: m.language,
      colon: m.t('text.colon'),
    });
    return this.toBusinessPeople(notification, tenant, { subject, html, text });
  }

  /** The customer's link to the manage page, or null without a token to put in it. */
  private manageUrl(tenant: Tenant, sealed: string | undefined | null): string | null {
    const token = sealed ? this.box.open(sealed) : null;
    if (!token) return null;
    return this.config.manageUrlTemplate
      .replaceAll('{tenant}', encodeURIComponent(tenant.slug))
      .replaceAll('{token}', encodeURIComponent(token));
  }

  /**
   * The message for a notification: its text, HTML and calendar invite. The customer reads it
   * in their language and zone (else the business's); the business's people in the business's.
   */
  compose(
    notification: Notification,
    p: BookingMailPayload | ReminderMailPayload,
    booking: Booking,
    tenant: Tenant,
  ): OutgoingMail {
    const start = new Date(p.startsAt);
    const end = new Date(p.endsAt);
    // The business's address and its staff get the customer's details; the customer the link.
    const forBusiness = !notification.kind.endsWith('.customer');
    const m = forBusiness
      ? messagesFor(tenant.locale)
      : messagesFor(booking.customerLocale, tenant.locale);
    const zones = {
      zone: (!forBusiness && booking.customerTimeZone) || tenant.timeZone,
      business: tenant.timeZone,
    };
    const when = formatWhen(start, end, zones, m);
    // A notification queued before bookings kept their token carries its own sealed copy.
    const manageUrl = forBusiness
      ? null
      : this.manageUrl(
          tenant,
          booking.manageTokenSealed ?? ('sealedManageToken' in p ? p.sealedManageToken : null),
        );
    const price = bookingPrice(booking.service.getEntity(), booking.seats, m);
    const row = (key: MessageKey, value: string | null) =>
      value ? [{ label: m.t(key), value }] : [];
    const details = [
      ...row('label.service', p.serviceName),
      ...row('label.when', when),
      ...row('label.reference', booking.reference),
      ...(booking.seats > 1 ? row('label.seats', String(booking.seats)) : []),
      ...row('label.price', price),
      ...(forBusiness
        ? [
            ...row('label.customer', booking.customerName),
            ...row('label.email', booking.customerEmail),
            ...row('label.phone', booking.customerPhone),
            ...row('label.notes', booking.notes),
          ]
        : [...row('label.address', tenant.address), ...row('label.phone', tenant.phone)]),
    ];
    const change: Partial<BookingMailPayload> = 'method' in p ? p : {};
    const previous =
      change.previousStartsAt && change.previousEndsAt
        ? m.t('note.previous', {
            when: formatWhen(
              new Date(change.previousStartsAt),
              new Date(change.previousEndsAt),
              zones,
              m,
            ),
          })
        : null;
    const reason = change.reason ? m.t('note.reason', { reason: change.reason }) : null;
    const kind = wording(notification.kind);
    const values = {
      service: p.serviceName,
      when,
      customer: booking.customerName,
      business: tenant.name,
    };
    const content: EmailContent = {
      subject: m.t(`${kind}.subject`, values),
      heading: m.t(`${kind}.heading`, values),
      intro: m.t(`${kind}.intro`, values),
      details,
      notes: [previous, reason].filter((x): x is string => x !== null),
      action: manageUrl ? { url: manageUrl, label: m.t('action.manage') } : null,
      businessName: tenant.name,
      footer: m.t(forBusiness ? 'footer.business' : 'footer.customer'),
      language: m.language,
      colon: m.t('text.colon'),
    };
    const { html, text: plain } = renderEmail(content);
    return {
      messageId: `<notification-${notification.id}@${this.mailDomain}>`,
      to: notification.recipient,
      replyTo: forBusiness ? booking.customerEmail : tenant.email,
      subject: content.subject,
      html,
      text: plain,
      // A reminder or the link again changes nothing in the calendar: no invite.
      ics:
        !('method' in p) || notification.kind === 'booking.manage_link.customer'
          ? null
          : {
              method: p.method,
              content: inviteIcs({
                uid: `booking-${booking.id}@${this.mailDomain}`,
                sequence: p.sequence,
                method: p.method,
                start,
                end,
                summary: `${p.serviceName} – ${forBusiness ? booking.customerName : tenant.name}`,
                description: `Reference ${booking.reference}`,
                organizer: { name: tenant.name, email: tenant.email },
                attendee: { name: booking.customerName, email: booking.customerEmail },
                status:
                  p.method === 'CANCEL'
                    ? 'CANCELLED'
                    : booking.status === BookingStatus.PENDING
                      ? 'TENTATIVE'
                      : 'CONFIRMED',
              }),
            },
    };
  }

  /** Queues the reminders due at `now`, of every tenant, with their send jobs, in one transaction. */
  async releaseDue(now: Date): Promise<number> {
    // A poll every few seconds: kept out of the query log, as the change feed's probe is.
    const quiet = { enabled: false };
    const em = this.orm.em.fork({ clear: true, loggerContext: quiet });
    // The transaction's own begin and commit take the logger context of the call, not the fork.
    return em.transactional(
      async (tx) => {
        const due = await releaseDueReminders(tx, now, REMINDER_BATCH);
        for (const { id, tenantId } of due) {
          await this.queue.enqueue(tx, { tenantId, notificationId: id });
        }
        return due.length;
      },
      { loggerContext: quiet },
    );
  }
}

/** Reminders released at once by one sweep; the next sweep takes the rest. */
const REMINDER_BATCH = 500;

/** Why a reminder no longer fits its booking, or null when it still does. */
function staleReminder(p: ReminderMailPayload, booking: Booking): string | null {
  if (booking.status !== BookingStatus.CONFIRMED) {
    return `the booking is ${booking.status.toLowerCase()}`;
  }
  if (new Date(p.startsAt).getTime() !== booking.startsAt.getTime()) {
    return 'the booking has moved since this reminder was planned';
  }
  return null;
}
