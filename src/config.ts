/**
 * The process's configuration: every environment variable the server reads, parsed and
 * validated in one place. A bad value stops start-up with a message naming the variable.
 *
 * `CONFIG_SPEC` is also the source of the configuration tables in README.md and
 * docs/DEPLOYMENT.md (a test checks that they list exactly these variables).
 */

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

interface VarSpec<K extends string, T> {
  name: string;
  /** The property of `Config` the variable sets. */
  key: K;
  description: string;
  /** Shown in the docs: the default, or "(unset)". */
  defaultText: string;
  parse(raw: string | undefined, env: Env): T;
}

function spec<K extends string, T>(s: VarSpec<K, T>): VarSpec<K, T> {
  return s;
}

/** A secret of at least `min` characters, which production requires when `required`. */
function secret(name: string, min: number, required: boolean) {
  return (raw: string | undefined, env: Env): string | undefined => {
    if (raw === undefined || raw === '') {
      if (required && nodeEnvOf(env) === 'production') {
        throw new ConfigError(name, 'is required when NODE_ENV=production');
      }
      return undefined;
    }
    if (raw.length < min) {
      throw new ConfigError(name, `must be at least ${min} characters (got ${raw.length})`);
    }
    return raw;
  };
}

function oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T) {
  return (raw: string | undefined): T => {
    if (raw === undefined || raw === '') return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  };
}

function integer(name: string, fallback: number, min: number, max: number) {
  return (raw: string | undefined): number => {
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
    const value = Number(raw);
    if (value < min || value > max) {
      throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
    }
    return value;
  };
}

/** A postgres:// URL that names a database, or undefined when unset. */
function postgresUrl(name: string) {
  return (raw: string | undefined): string | undefined => {
    if (raw === undefined || raw === '') return undefined;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(name, 'must be a URL like postgres://user:pass@host:5432/db');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError(name, `must use the postgres:// scheme (got "${url.protocol}")`);
    }
    if (url.pathname.length < 2) {
      throw new ConfigError(name, 'must name a database (postgres://host/dbname)');
    }
    return raw;
  };
}

function boolean(name: string, fallback: boolean) {
  return (raw: string | undefined): boolean => {
    if (raw === undefined || raw === '') return fallback;
    const v = raw.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new ConfigError(name, `must be true or false (got "${raw}")`);
  };
}

const nodeEnvOf = (env: Env) =>
  oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development')(env.NODE_ENV);

export const CONFIG_SPEC = [
  spec({
    name: 'NODE_ENV',
    key: 'nodeEnv',
    description:
      '`development`, `test` or `production`. Production hides error details, never seeds demo data and requires `PLATFORM_ADMIN_TOKEN`.',
    defaultText: 'development',
    parse: (_raw, env) => nodeEnvOf(env),
  }),
  spec({
    name: 'HOST',
    key: 'host',
    description: 'Interface the HTTP server listens on.',
    defaultText: '0.0.0.0',
    parse: (raw) => raw || '0.0.0.0',
  }),
  spec({
    name: 'PORT',
    key: 'port',
    description: 'HTTP port (0 picks a free one).',
    defaultText: '4000',
    parse: integer('PORT', 4000, 0, 65535),
  }),
  spec({
    name: 'DATABASE_URL',
    key: 'databaseUrl',
    description:
      'PostgreSQL connection string (`postgres://user:pass@host:5432/db`). When unset, an embedded PostgreSQL runs with its data under `DATA_DIR/pg`.',
    defaultText: '(embedded)',
    parse: postgresUrl('DATABASE_URL'),
  }),
  spec({
    name: 'CHANGE_FEED_DATABASE_URL',
    key: 'changeFeedDatabaseUrl',
    description:
      "Connection string for the change feed's one LISTEN connection, which needs a session of its own: set it to reach PostgreSQL directly (or a session-mode pooler) when `DATABASE_URL` goes through a transaction-mode pooler such as PgBouncer (docs/DEPLOYMENT.md). Unset: `DATABASE_URL`.",
    defaultText: '(DATABASE_URL)',
    parse: postgresUrl('CHANGE_FEED_DATABASE_URL'),
  }),
  spec({
    name: 'CHANGE_FEED_PROBE_SECONDS',
    key: 'changeFeedProbeSeconds',
    description:
      'How often the change feed checks that it hears its own notifications (a NOTIFY sent through `DATABASE_URL`); while it does not, the read caches are off.',
    defaultText: '5',
    parse: integer('CHANGE_FEED_PROBE_SECONDS', 5, 1, 300),
  }),
  spec({
    name: 'DATA_DIR',
    key: 'dataDir',
    description: 'Directory for local state: the embedded PostgreSQL cluster (`pg/`).',
    defaultText: '.data',
    parse: (raw) => raw || '.data',
  }),
  spec({
    name: 'EMBEDDED_PG_PORT',
    key: 'embeddedPgPort',
    description: 'Port of the embedded PostgreSQL (only used without `DATABASE_URL`).',
    defaultText: '54329',
    parse: integer('EMBEDDED_PG_PORT', 54329, 1024, 65535),
  }),
  spec({
    name: 'BASE_DOMAIN',
    key: 'baseDomain',
    description:
      'Domain under which tenants have subdomains (`acme.<BASE_DOMAIN>`). Unset: subdomain resolution is off.',
    defaultText: '(unset)',
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      const v = raw.toLowerCase();
      if (
        !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(
          v,
        )
      ) {
        throw new ConfigError(
          'BASE_DOMAIN',
          `must be a domain name like booking.example.com (got "${raw}")`,
        );
      }
      return v;
    },
  }),
  spec({
    name: 'PLATFORM_ADMIN_TOKEN',
    key: 'platformAdminToken',
    description:
      'Bearer token of the platform operator, at least 32 characters. Required in production; unset elsewhere disables platform operations.',
    defaultText: '(unset)',
    parse: secret('PLATFORM_ADMIN_TOKEN', 32, true),
  }),
  spec({
    name: 'LOG_LEVEL',
    key: 'logLevel',
    description: 'One of fatal, error, warn, info, debug, trace, silent.',
    defaultText: 'info',
    parse: (raw) =>
      oneOf(
        'LOG_LEVEL',
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
        'info',
      )(raw),
  }),
  spec({
    name: 'DEMO_DATA',
    key: 'demoData',
    description:
      'Seed the demo tenant on the first start against an empty embedded database. Never in production.',
    defaultText: 'true',
    parse: (raw, env) => boolean('DEMO_DATA', true)(raw) && nodeEnvOf(env) !== 'production',
  }),
  spec({
    name: 'SESSION_TTL_MINUTES',
    key: 'sessionTtlMinutes',
    description: 'Lifetime of an admin login session.',
    defaultText: '720',
    parse: integer('SESSION_TTL_MINUTES', 720, 5, 60 * 24 * 30),
  }),
  spec({
    name: 'SECRET_KEY',
    key: 'secretKey',
    description:
      'At least 32 characters; encrypts the manage link while its confirmation email waits to be sent. Required in production; elsewhere one is kept in `DATA_DIR/secret.key`.',
    defaultText: '(unset)',
    parse: secret('SECRET_KEY', 32, true),
  }),
  spec({
    name: 'EMAIL_ENABLED',
    key: 'emailEnabled',
    description: 'Send notification email. When off, notifications are recorded as SKIPPED.',
    defaultText: 'true',
    parse: (raw) => boolean('EMAIL_ENABLED', true)(raw),
  }),
  spec({
    name: 'SMTP_HOST',
    key: 'smtp',
    description:
      'SMTP server for outgoing mail, with `SMTP_PORT` (default 587), `SMTP_TLS` (`starttls` required, `implicit` for port 465, or `none`), `SMTP_USER` and `SMTP_PASSWORD`. Unset: mail goes to the local sink.',
    defaultText: '(unset)',
    parse: (raw, env) => {
      if (raw === undefined || raw === '') {
        if (nodeEnvOf(env) === 'production' && boolean('EMAIL_ENABLED', true)(env.EMAIL_ENABLED)) {
          throw new ConfigError(
            'SMTP_HOST',
            'is required when NODE_ENV=production and EMAIL_ENABLED is on',
          );
        }
        return undefined;
      }
      return {
        host: raw,
        port: integer('SMTP_PORT', 587, 1, 65535)(env.SMTP_PORT),
        tls: oneOf('SMTP_TLS', ['starttls', 'implicit', 'none'] as const, 'starttls')(env.SMTP_TLS),
        user: env.SMTP_USER || undefined,
        password: env.SMTP_PASSWORD || undefined,
      };
    },
  }),
  spec({
    name: 'MAIL_FROM',
    key: 'mailFrom',
    description: 'Sender of notification email, e.g. `Acme Bookings <bookings@acme.example>`.',
    defaultText: 'Booking API <no-reply@localhost>',
    parse: (raw) => {
      const value = raw || 'Booking API <no-reply@localhost>';
      if (!/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(value)) {
        throw new ConfigError(
          'MAIL_FROM',
          `must be an address or "Name <address>" (got "${value}")`,
        );
      }
      return value;
    },
  }),
  spec({
    name: 'MAIL_SINK_DIR',
    key: 'mailSinkDir',
    description:
      'Where the local mail sink writes one `.eml` file per message (used without `SMTP_HOST`).',
    defaultText: 'DATA_DIR/mail',
    parse: (raw, env) => raw || `${env.DATA_DIR || '.data'}/mail`,
  }),
  spec({
    name: 'MANAGE_URL_TEMPLATE',
    key: 'manageUrlTemplate',
    description:
      'The manage link in confirmation email; `{tenant}` becomes the tenant slug and `{token}` the manage token, e.g. `https://{tenant}.example.com/manage/{token}`.',
    defaultText: 'http://localhost:3000/{tenant}/manage/{token}',
    parse: (raw) => {
      const value = raw || 'http://localhost:3000/{tenant}/manage/{token}';
      if (!value.includes('{token}'))
        throw new ConfigError('MANAGE_URL_TEMPLATE', 'must contain {token}');
      try {
        new URL(value.replaceAll('{tenant}', 'x').replaceAll('{token}', 'x'));
      } catch {
        throw new ConfigError('MANAGE_URL_TEMPLATE', `must be a URL (got "${value}")`);
      }
      return value;
    },
  }),
  spec({
    name: 'NOTIFY_RETRY_LIMIT',
    key: 'notifyRetryLimit',
    description: 'Retries of a notification that fails to send before it is marked FAILED.',
    defaultText: '6',
    parse: integer('NOTIFY_RETRY_LIMIT', 6, 0, 50),
  }),
  spec({
    name: 'NOTIFY_RETRY_DELAY_SECONDS',
    key: 'notifyRetryDelaySeconds',
    description:
      'First retry delay; it doubles with each retry (exponential backoff), up to an hour.',
    defaultText: '30',
    parse: integer('NOTIFY_RETRY_DELAY_SECONDS', 30, 1, 3600),
  }),
  spec({
    name: 'JOBS_SUPERVISE_SECONDS',
    key: 'jobsSuperviseSeconds',
    description:
      'How often the job queue checks for jobs whose worker stopped sending heartbeats (a crashed process) and retries them.',
    defaultText: '30',
    parse: integer('JOBS_SUPERVISE_SECONDS', 30, 1, 3600),
  }),
  spec({
    name: 'EXPORT_ROW_LIMIT',
    key: 'exportRowLimit',
    description:
      'Most bookings `bookingsCsv` returns in one answer; larger exports are refused with a pointer to `GET /exports/bookings.csv`, which streams with no limit.',
    defaultText: '50000',
    parse: integer('EXPORT_ROW_LIMIT', 50_000, 1, 1_000_000),
  }),
  spec({
    name: 'TRUSTED_PROXIES',
    key: 'trustedProxies',
    description:
      'Comma-separated addresses or CIDR ranges of the proxies in front of the server (e.g. `10.0.0.0/8`); only their `X-Forwarded-For` is believed for the client address that rate limits count. Unset: none.',
    defaultText: '(unset)',
    parse: (raw) => {
      const list = (raw ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      for (const item of list) {
        if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(item)) {
          throw new ConfigError(
            'TRUSTED_PROXIES',
            `must list IP addresses or CIDR ranges (got "${item}")`,
          );
        }
      }
      return list;
    },
  }),
  spec({
    name: 'BODY_LIMIT_BYTES',
    key: 'bodyLimitBytes',
    description: 'Largest request body accepted; larger ones get 413.',
    defaultText: '102400',
    parse: integer('BODY_LIMIT_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024),
  }),
  spec({
    name: 'RATE_LIMITS',
    key: 'rateLimits',
    description: 'Rate limits (docs/SECURITY.md). Switch off only for tests and benchmarks.',
    defaultText: 'true',
    parse: (raw) => boolean('RATE_LIMITS', true)(raw),
  }),
  spec({
    name: 'RESPONSE_CACHE_MB',
    key: 'responseCacheMb',
    description:
      'Memory for answers to repeated `slots` queries, kept until the data under them changes (docs/PERFORMANCE.md); 0 turns the cache off.',
    defaultText: '32',
    parse: integer('RESPONSE_CACHE_MB', 32, 0, 4096),
  }),
  spec({
    name: 'METRICS_TOKEN',
    key: 'metricsToken',
    description:
      'Bearer token that `GET /metrics` (Prometheus) requires, at least 16 characters. Unset: no metrics endpoint.',
    defaultText: '(unset)',
    parse: secret('METRICS_TOKEN', 16, false),
  }),
] as const;

/** The configuration: one property per variable of CONFIG_SPEC, as its parser returns it. */
export type Config = {
  -readonly [S in (typeof CONFIG_SPEC)[number] as S['key']]: ReturnType<S['parse']>;
};

/** Parses and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const out: Partial<Record<keyof Config, unknown>> = {};
  for (const s of CONFIG_SPEC) {
    out[s.key] = s.parse(env[s.name], env);
  }
  return out as Config;
}

/** The configuration table of README.md and docs/DEPLOYMENT.md, generated from CONFIG_SPEC. */
export function configTableMarkdown(): string {
  const rows = CONFIG_SPEC.map(
    (s) =>
      `| \`${s.name}\` | ${s.defaultText === '(unset)' || s.defaultText === '(embedded)' ? s.defaultText : `\`${s.defaultText}\``} | ${s.description} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
