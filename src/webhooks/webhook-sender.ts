import http from 'node:http';
import https from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/** What one attempt learned; `statusCode` null when no answer came back. */
export interface AttemptOutcome {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  succeeded: boolean;
}

/** How much of a receiver's answer is read (for the attempt's error), at most. */
const BODY_LIMIT = 1024;

export interface SendOptions {
  production: boolean;
  /** Hosts that may be private (tests, local development). */
  allowHosts: readonly string[];
  timeoutMs: number;
  userAgent: string;
}

/** The URL's host as the allow list names it: lower case, an IPv6 address without brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

/**
 * Why a URL may not receive webhooks, or null: checked when saving and again when sending.
 * In production only https, but to a host the operator allowed (a local receiver).
 */
export function urlProblem(
  raw: string,
  options: Pick<SendOptions, 'production' | 'allowHosts'>,
): string | null {
  const url = URL.parse(raw);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return 'must be an http(s) URL';
  }
  const allowed = options.allowHosts.includes(hostOf(url));
  if (options.production && url.protocol !== 'https:' && !allowed) return 'must use https';
  if (url.username || url.password) return 'must not carry a user name or password';
  return null;
}

// Agents that check the address each connection goes to (after DNS), so a name that
// resolves to 127.0.0.1 or 10.x is refused when sending, not only when saved.
const guarded = {
  'http:': new RequestFilteringHttpAgent({ keepAlive: false }),
  'https:': new RequestFilteringHttpsAgent({ keepAlive: false }),
};

/**
 * POSTs `body` once: no redirect followed (a 3xx is a failure), a short timeout for the whole
 * attempt, and no more than a little of the answer read.
 */
export function post(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  options: SendOptions,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): AttemptOutcome => ({
    statusCode,
    latencyMs: Math.round(performance.now() - started),
    error,
    succeeded: error === null && statusCode !== null && statusCode >= 200 && statusCode < 300,
  });
  const problem = urlProblem(rawUrl, options);
  if (problem) return Promise.resolve(done(null, `the URL ${problem}`));
  const url = new URL(rawUrl);
  const allowed = options.allowHosts.includes(hostOf(url));
  const protocol = url.protocol as 'http:' | 'https:';
  const agent = allowed ? undefined : guarded[protocol];
  const request = protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const req = request(url, {
      method: 'POST',
      agent,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': options.userAgent,
      },
    });
    const timer = setTimeout(
      () => finish(done(null, `no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    req.on('error', (err) => finish(done(null, err.message.slice(0, 500))));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT);
        if (status >= 200 && status < 300) return finish(done(status, null));
        const why =
          status >= 300 && status < 400
            ? `redirect to ${res.headers.location ?? '(no location)'} not followed`
            : `HTTP ${status}${text ? `: ${text}` : ''}`;
        finish(done(status, why.slice(0, 1000)));
      };
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= BODY_LIMIT) chunks.push(chunk);
        else settle();
      });
      res.on('end', settle);
      res.on('error', settle);
    });
    req.end(body);
  });
}
