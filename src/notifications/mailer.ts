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
  /** The calendar invite of a booking's email; null for an account's. */
  ics: { method: 'REQUEST' | 'CANCEL'; content: string } | null;
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
    attachments: mail.ics
      ? [
          {
            filename: 'invite.ics',
            content: mail.ics.content,
            contentType: `text/calendar; charset=utf-8; method=${mail.ics.method}`,
          },
        ]
      : [],
  };
}

// Time limits so a dead server fails fast; pooled, as each new connection waits for a greeting.
function smtpMailer(config: Config, host: string): Mailer {
  const transport: Transporter = nodemailer.createTransport({
    pool: true,
    maxConnections: SEND_WORKERS,
    host,
    port: config.smtpPort,
    secure: config.smtpTls === 'implicit',
    requireTLS: config.smtpTls === 'starttls',
    ignoreTLS: config.smtpTls === 'none',
    auth: config.smtpUser ? { user: config.smtpUser, pass: config.smtpPassword ?? '' } : undefined,
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
interface SinkLog {
  info(obj: object, msg: string): void;
}

// Without SMTP: .eml files, logged by file name only (the subject holds a customer's name).
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
  return config.smtpHost ? smtpMailer(config, config.smtpHost) : sinkMailer(config, log);
}
