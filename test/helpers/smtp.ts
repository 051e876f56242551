import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port.js';

export interface ReceivedMail {
  parsed: ParsedMail;
  raw: string;
  envelopeTo: string[];
}

/**
 * A real SMTP server on loopback that keeps what it receives. `mode` makes it refuse every
 * message (a 451 temporary failure) or accept them; `stop()` takes it off the network.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  mode: 'accept' | 'refuse' = 'accept';
  /** Runs when a message has arrived, before the server answers 250 for it. */
  beforeAccept: ((raw: string) => Promise<void>) | null = null;
  /** Runs just after the server has answered 250 for a message. */
  afterAccept: ((raw: string) => void) | null = null;
  #server: SMTPServer | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<TestSmtpServer> {
    const server = new TestSmtpServer(await freePort());
    await server.listen();
    return server;
  }

  async listen(): Promise<void> {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // stop() drops open connections (the app keeps a pool of them) after this long, as a
      // server going down would, instead of waiting 30 s for the client to hang up.
      closeTimeout: 100,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.mode === 'refuse') {
            const err = Object.assign(new Error('Mailbox temporarily unavailable'), {
              responseCode: 451,
            });
            callback(err);
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          // Read the envelope now: the session is reset for the next message.
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
          // Recorded before the 250: once the app has the server's word that a message
          // arrived (and may mark it SENT), the message is in `received`.
          void (async () => {
            const parsed = await simpleParser(raw);
            await this.beforeAccept?.(raw);
            this.received.push({ parsed, raw, envelopeTo });
            callback();
            this.afterAccept?.(raw);
          })();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.#server?.once('error', reject);
      this.#server?.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The settings that point the app at this server. */
  env(): Record<string, string> {
    return { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(this.port), SMTP_TLS: 'none' };
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.envelopeTo.includes(address));
  }
}

/** The fields of the first VEVENT and the calendar's METHOD, from an .ics text (lines unfolded). */
export function icsFields(ics: string): Record<string, string> {
  const lines = ics.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([A-Z-]+)(?:;[^:]*)?:(.*)$/.exec(line);
    if (m?.[1] && !(m[1] in out)) out[m[1]] = m[2] ?? '';
  }
  return out;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
