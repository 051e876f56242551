// Every environment variable the server reads, parsed once: the source of the docs' tables too.

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;
/** Parses a variable's value (undefined when unset or empty); throws ConfigError naming it. */
type Parse<T> = (raw: string | undefined, name: string, env: Env) => T;

interface VarSpec<T> {
  parse: Parse<T>;
  description: string;
  /** The default as the docs show it, when the parser's own is not the one to show. */
  shown?: string;
}

const v = <T>(parse: Parse<T>, description: string, shown?: string): VarSpec<T> => ({
  parse,
  description,
  shown,
});
const fail = (name: string, message: string): never => {
  throw new ConfigError(name, message);
};
const text =
  (fallback: string): Parse<string> =>
  (raw) =>
    raw ?? fallback;
const optional: Parse<string | undefined> = (raw) => raw;

/** A secret of at least `min` characters, which production requires when `required`. */
const secret =
  (min: number, required: boolean): Parse<string | undefined> =>
  (raw, name, env) => {
    if (raw === undefined && required && nodeEnvOf(env) === 'production') {
      fail(name, 'is required when NODE_ENV=production');
    }
    if (raw !== undefined && raw.length < min) {
      fail(name, `must be at least ${min} characters (got ${raw.length})`);
    }
    return raw;
  };

const oneOf =
  <T extends string>(allowed: readonly T[], fallback: T): Parse<T> =>
  (raw, name) => {
    if (raw === undefined || allowed.includes(raw as T)) return (raw as T | undefined) ?? fallback;
    return fail(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  };

const nodeEnv = oneOf(['development', 'test', 'production'], 'development');
const nodeEnvOf = (env: Env) => nodeEnv(env.NODE_ENV || undefined, 'NODE_ENV', env);

const integer =
  (fallback: number, min: number, max: number): Parse<number> =>
  (raw, name) => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw)) fail(name, `must be a whole number (got "${raw}")`);
    const value = Number(raw);
    if (value < min || value > max) fail(name, `must be between ${min} and ${max} (got ${value})`);
    return value;
  };

const boolean =
  (fallback: boolean): Parse<boolean> =>
  (raw, name) => {
    const v = raw?.toLowerCase();
    if (v === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return fail(name, `must be true or false (got "${raw}")`);
  };

/** A postgres:// URL that names a database. */
const postgresUrl: Parse<string | undefined> = (raw, name) => {
  if (raw === undefined) return undefined;
  const url = URL.parse(raw) ?? fail(name, 'must be a URL like postgres://user:pass@host:5432/db');
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    fail(name, `must use the postgres:// scheme (got "${url.protocol}")`);
  }
  if (url.pathname.length < 2) fail(name, 'must name a database (postgres://host/dbname)');
  return raw;
};

/** Checks the value (when there is one) against `rule`, else fails with `message`. */
const matching =
  (rule: RegExp, message: string) =>
  <R extends string | undefined>(raw: R, name: string): R => {
    if (raw !== undefined && !rule.test(raw)) fail(name, `${message} (got "${raw}")`);
    return raw;
  };

const domainName = matching(
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
  'must be a domain name like booking.example.com',
);
const sender = matching(
  /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
  'must be an address or "Name <address>"',
);
/** A URL; a template (`needs` given) must hold `needs`, `{tenant}` and `{token}` standing for what they become. */
const url =
  (fallback: string, needs?: string): Parse<string> =>
  (raw, name) => {
    const value = raw ?? fallback;
    if (needs && !value.includes(needs)) fail(name, `must contain ${needs}`);
    const filled = needs ? value.replaceAll('{tenant}', 'x').replaceAll('{token}', 'x') : value;
    if (!URL.canParse(filled)) fail(name, `must be a URL (got "${value}")`);
    return value;
  };

const address = matching(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'must list IP addresses or CIDR ranges');

export const CONFIG_SPEC = {
  NODE_ENV: v(
    nodeEnv,
    '`development`, `test` or `production`. Production hides error details, never seeds demo data and requires `PLATFORM_ADMIN_TOKEN`.',
  ),
  HOST: v(text('0.0.0.0'), 'Interface the HTTP server listens on.'),
  PORT: v(integer(4000, 0, 65535), 'HTTP port (0 picks a free one).'),
  DATABASE_URL: v(
    postgresUrl,
    'PostgreSQL connection string (`postgres://user:pass@host:5432/db`). When unset, an embedded PostgreSQL runs with its data under `DATA_DIR/pg`.',
    '(embedded)',
  ),
  CHANGE_FEED_DATABASE_URL: v(
    postgresUrl,
    "Connection string for the change feed's one LISTEN connection, which needs a session of its own: set it to reach PostgreSQL directly (or a session-mode pooler) when `DATABASE_URL` goes through a transaction-mode pooler such as PgBouncer (docs/DEPLOYMENT.md). Unset: `DATABASE_URL`.",
    '(DATABASE_URL)',
  ),
  CHANGE_FEED_PROBE_SECONDS: v(
    integer(5, 1, 300),
    'How often the change feed checks that it hears its own notifications (a NOTIFY sent through `DATABASE_URL`); while it does not, the read caches are off.',
  ),
  DATA_DIR: v(text('.data'), 'Directory for local state: the embedded PostgreSQL cluster (`pg/`).'),
  EMBEDDED_PG_PORT: v(
    integer(54329, 1024, 65535),
    'Port of the embedded PostgreSQL (only used without `DATABASE_URL`).',
  ),
  BASE_DOMAIN: v(
    (raw, name) => domainName(raw?.toLowerCase(), name),
    'Domain under which tenants have subdomains (`acme.<BASE_DOMAIN>`). Unset: subdomain resolution is off.',
  ),
  PLATFORM_ADMIN_TOKEN: v(
    secret(32, true),
    'Bearer token of the platform operator, at least 32 characters. Required in production; unset elsewhere disables platform operations.',
  ),
  LOG_LEVEL: v(
    oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    'One of fatal, error, warn, info, debug, trace, silent.',
  ),
  DEMO_DATA: v(
    (raw, name, env) => boolean(true)(raw, name, env) && nodeEnvOf(env) !== 'production',
    'Seed the demo tenant on the first start against an empty embedded database. Never in production.',
  ),
  SESSION_TTL_MINUTES: v(integer(720, 5, 60 * 24 * 30), 'Lifetime of an admin login session.'),
  SECRET_KEY: v(
    secret(32, true),
    'At least 32 characters; encrypts the manage link while its confirmation email waits to be sent. Required in production; elsewhere one is kept in `DATA_DIR/secret.key`.',
  ),
  EMAIL_ENABLED: v(
    boolean(true),
    'Send notification email. When off, notifications are recorded as SKIPPED.',
  ),
  SMTP_HOST: v((raw, name, env) => {
    const emailOn = boolean(true)(env.EMAIL_ENABLED || undefined, 'EMAIL_ENABLED', env);
    if (raw === undefined && emailOn && nodeEnvOf(env) === 'production') {
      fail(name, 'is required when NODE_ENV=production and EMAIL_ENABLED is on');
    }
    return raw;
  }, 'SMTP server for outgoing mail. Unset: mail goes to the local sink (required in production while `EMAIL_ENABLED` is on).'),
  SMTP_PORT: v(integer(587, 1, 65535), 'Port of the SMTP server (465 with `SMTP_TLS=implicit`).'),
  SMTP_TLS: v(
    oneOf(['starttls', 'implicit', 'none'], 'starttls'),
    '`starttls` (STARTTLS required), `implicit` (TLS from the first byte) or `none` (a local relay only).',
  ),
  SMTP_USER: v(optional, 'SMTP login; unset: no authentication.'),
  SMTP_PASSWORD: v(optional, 'SMTP password, with `SMTP_USER`.'),
  MAIL_FROM: v(
    (raw, name) => sender(raw ?? 'Booking API <no-reply@localhost>', name),
    'Sender of notification email, e.g. `Acme Bookings <bookings@acme.example>`.',
  ),
  MAIL_SINK_DIR: v(
    (raw, _name, env) => raw ?? `${env.DATA_DIR || '.data'}/mail`,
    'Where the local mail sink writes one `.eml` file per message (used without `SMTP_HOST`).',
    'DATA_DIR/mail',
  ),
  MANAGE_URL_TEMPLATE: v(
    url('http://localhost:3000/t/{tenant}/manage/{token}', '{token}'),
    "The manage link in every email to a customer; `{tenant}` becomes the tenant slug and `{token}` the manage token. The default is the manage page this API serves (`/t/<slug>/manage/<token>`): set its origin to the API's public address, or point it at a page of the business's own site, e.g. `https://{tenant}.example.com/manage/{token}`.",
  ),
  CONSOLE_URL: v(
    url('http://localhost:3000/console/'),
    'Where the console is reached: invitation and password-reset email link to it (`?tenant=<slug>#invitation=<token>`).',
  ),
  NOTIFY_RETRY_LIMIT: v(
    integer(6, 0, 50),
    'Retries of a notification that fails to send before it is marked FAILED.',
  ),
  NOTIFY_RETRY_DELAY_SECONDS: v(
    integer(30, 1, 3600),
    'First retry delay; it doubles with each retry (exponential backoff), up to an hour.',
  ),
  JOBS_SUPERVISE_SECONDS: v(
    integer(30, 1, 3600),
    'How often the job queue checks for jobs whose worker stopped sending heartbeats (a crashed process) and retries them, and how often reminders whose time has come are queued.',
  ),
  EXPORT_ROW_LIMIT: v(
    integer(50_000, 1, 1_000_000),
    'Most bookings `bookingsCsv` returns in one answer; larger exports are refused with a pointer to `GET /exports/bookings.csv`, which streams with no limit.',
  ),
  TRUSTED_PROXIES: v((raw, name) => {
    const list = (raw ?? '').split(',').flatMap((v) => v.trim() || []);
    for (const v of list) address(v, name);
    return list;
  }, 'Comma-separated addresses or CIDR ranges of the proxies in front of the server (e.g. `10.0.0.0/8`); only their `X-Forwarded-For` is believed for the client address that rate limits count. Unset: none.'),
  BODY_LIMIT_BYTES: v(
    integer(100 * 1024, 1024, 10 * 1024 * 1024),
    'Largest request body accepted; larger ones get 413.',
  ),
  RATE_LIMITS: v(
    boolean(true),
    'Rate limits (docs/SECURITY.md). Switch off only for tests and benchmarks.',
  ),
  RESPONSE_CACHE_MB: v(
    integer(32, 0, 4096),
    'Memory for answers to repeated `slots` queries, kept until the data under them changes (docs/PERFORMANCE.md); 0 turns the cache off.',
  ),
  WEBHOOK_ALLOW_HOSTS: v(
    (raw) => (raw ?? '').split(',').flatMap((h) => h.trim().toLowerCase() || []),
    'Comma-separated host names (or addresses) that webhook URLs may name although they are not public, and with `http` in production, e.g. `localhost,receiver.internal`: for tests, local development and a receiver of your own. Every other host must use `https` in production and resolve to public addresses only, checked when sending. Unset: none.',
  ),
  WEBHOOK_RETRY_SCHEDULE: v(
    (raw, name, env) => {
      const list = (raw ?? '5,300,1800,7200,18000,36000,36000').split(',').map((s) => s.trim());
      if (list.some((s) => !/^\d{1,6}$/.test(s) || Number(s) < 1)) {
        fail(name, `must list whole numbers of seconds, each at least 1 (got "${raw}")`);
      }
      const seconds = list.map(Number);
      const total = seconds.reduce((a, b) => a + b, 0);
      if (nodeEnvOf(env) === 'production' && total < 24 * 3600) {
        fail(name, `must add up to at least 24 hours in production (got ${total} seconds)`);
      }
      return seconds;
    },
    'Seconds between the attempts of a webhook delivery that fails; after the last, the delivery is FAILED, the endpoint paused and the admins emailed. The default retries for about 27 hours; production refuses a schedule shorter than 24 hours.',
    '5,300,1800,7200,18000,36000,36000',
  ),
  WEBHOOK_TIMEOUT_MS: v(
    integer(5000, 100, 30_000),
    'How long one webhook attempt may take, connecting included; a slower receiver counts as failed.',
  ),
  METRICS_TOKEN: v(
    secret(16, false),
    'Bearer token that `GET /metrics` (Prometheus) requires, at least 16 characters. Unset: no metrics endpoint.',
  ),
};

type Variable = Extract<keyof typeof CONFIG_SPEC, string>;
/** SMTP_HOST -> smtpHost. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}`
  : Lowercase<S>;

/** The configuration: one property per variable, camel-cased, as its parser returns it. */
export type Config = {
  -readonly [V in Variable as CamelCase<V>]: ReturnType<(typeof CONFIG_SPEC)[V]['parse']>;
};

export const configKey = (name: string) =>
  name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Parses and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(CONFIG_SPEC) as [string, VarSpec<unknown>][]) {
    out[configKey(name)] = s.parse(env[name] || undefined, name, env);
  }
  return out as Config;
}

/** The configuration table of README.md and docs/DEPLOYMENT.md. */
export function configTableMarkdown(): string {
  const rows = (Object.entries(CONFIG_SPEC) as [string, VarSpec<unknown>][]).map(([name, s]) => {
    const value = s.parse(undefined, name, {});
    const unset = value === undefined || (Array.isArray(value) && !value.length);
    const shown = s.shown ?? (unset ? '(unset)' : String(value));
    const cell = shown.startsWith('(') ? shown : `\`${shown}\``;
    return `| \`${name}\` | ${cell} | ${s.description} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
