import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** How the receiver answers a request: a status, and optionally a body, a delay or a redirect. */
export interface Answer {
  status: number;
  body?: string;
  delayMs?: number;
  location?: string;
  /** Never answer (the sender's timeout must end it). */
  hang?: boolean;
}

/** A real HTTP server on loopback that records what webhooks deliver and answers as told. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Sets how the next requests are answered (default: 204). */
  answer: (fn: (r: Received) => Answer) => void;
  /** Resolves when `count` requests (matching `where`) have arrived, or rejects after `ms`. */
  waitFor(count: number, where?: (r: Received) => boolean, ms?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let answer: (r: Received) => Answer = () => ({ status: 204 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(',') : String(v),
        ]),
      );
      const r: Received = {
        path: req.url ?? '/',
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(r);
      const a = answer(r);
      if (a.hang) return;
      const send = () => {
        res.writeHead(a.status, a.location ? { location: a.location } : {});
        res.end(a.body ?? '');
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (fn) => {
      answer = fn;
    },
    async waitFor(count, where = () => true, ms = 20_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = received.filter(where);
        if (found.length >= count) return found;
        if (Date.now() > deadline) {
          throw new Error(`receiver: ${found.length} of ${count} requests after ${ms} ms`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
