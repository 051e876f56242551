// A partner's webhook receiver: verify the signature (Standard Webhooks), then take the event.
// Run: WEBHOOK_SECRET=whsec_... PORT=8080 node docs/examples/webhook-receiver.ts
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

const verifier = new Webhook(process.env.WEBHOOK_SECRET ?? '');
const seen = new Set<string>(); // webhook-ids taken; keep them in your database

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        // Throws unless one signature matches and the timestamp is within five minutes.
        const event = verifier.verify(body, req.headers as Record<string, string>) as {
          type: string; bookingId: string; sequence: number;
        };
        const id = String(req.headers['webhook-id']);
        if (!seen.has(id)) {
          seen.add(id);
          console.log(JSON.stringify({ id, type: event.type, booking: event.bookingId, sequence: event.sequence }));
        }
        res.writeHead(204).end(); // answer 2xx quickly; anything else is retried
      } catch {
        res.writeHead(400).end();
      }
    });
  })
  .listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
