import http from 'node:http';

export interface LoadOptions {
  url: string;
  /** Request body and headers for request number i (so that every request can differ). */
  request: (i: number) => { path: string; headers: Record<string, string>; body: string };
  connections: number;
  seconds: number;
}

export interface LoadResult {
  p50: number;
  p99: number;
  rps: number;
  non2xx: number;
  errors: number;
  requests: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/**
 * A closed-loop load generator on loopback: `connections` keep-alive connections, each
 * sending its next request as soon as the last is answered, for `seconds`. Latencies are
 * measured with performance.now() (sub-millisecond).
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let next = 0;
  const until = performance.now() + options.seconds * 1000;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const { path, headers, body } = options.request(i);
      const started = performance.now();
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path,
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - started);
            if ((res.statusCode ?? 0) >= 300) non2xx++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < until) await one(next++);
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    rps: latencies.length / elapsed,
    non2xx,
    errors,
    requests: latencies.length,
  };
}
