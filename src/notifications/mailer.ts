import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Config } from '../config.js';
import { SEND_WORKERS } from './queue.js';

export interface OutgoingMail {
  /** Stable per notification, so that a repeat is recognisably the same message. */
  messageId: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  ics: { method: 'REQUEST' | 'CANCEL'; content: string };
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

function message(config: Config, mail: OutgoingMail): SendMailOptions {
  return {
    from: config.mailFrom,
    to: mail.to,
    replyTo: mail.replyTo,
    subject: mail.subject,
    messageId: mail.messageId,
    text: mail.text,
    html: mail.html,
    attachments: [
      {
        filename: 'invite.ics',
        content: mail.ics.content,
        contentType: `text/calendar; charset=utf-8; method=${mail.ics.method}`,
      },
    ],
  };
}

/**
 * SMTP with the configured TLS and credentials, and time limits so a dead server fails fast.
 * Pooled: a connection is kept open between messages (as many as the queue sends at once),
 * because opening one costs the server's greeting wait, about 100 ms with `smtp-server` and
 * seconds behind a greeting delay like Postfix's postscreen: unpooled, a backlog drained at
 * 16 emails/s in the bench. A dropped connection fails only the message on it, which the
 * queue retries.
 */
function smtpMailer(config: Config, smtp: NonNullable<Config['smtp']>): Mailer {
  const transport: Transporter = nodemailer.createTransport({
    pool: true,
    maxConnections: SEND_WORKERS,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'implicit',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(mail) {
      await transport.sendMail(message(config, mail));
    },
    close: () => transport.close(),
  };
}

/** Where the local sink announces what it wrote. */
export interface SinkLog {
  info(obj: object, msg: string): void;
}

/**
 * For machines with no SMTP server: each message is written as an .eml file under
 * MAIL_SINK_DIR and announced with a log line naming the file, so the whole flow is visible
 * locally. The line names neither the recipient nor the subject (which holds a customer's
 * name): the file has them.
 */
function sinkMailer(config: Config, log: SinkLog): Mailer {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  return {
    async send(mail) {
      const info = await transport.sendMail(message(config, mail));
      await mkdir(config.mailSinkDir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9.-]+/g, '_')}.eml`;
      const file = path.join(config.mailSinkDir, name);
      await writeFile(file, info.message as Buffer);
      log.info({ file }, 'mail written to the local sink');
    },
    close: () => transport.close(),
  };
}

export function createMailer(config: Config, log: SinkLog): Mailer {
  return config.smtp ? smtpMailer(config, config.smtp) : sinkMailer(config, log);
}
