import { describe, expect, it } from 'vitest';
import { CONFIG_SPEC, ConfigError, configKey, loadConfig } from '../../src/config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has defaults for a development machine', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 4000,
      databaseUrl: undefined,
      dataDir: '.data',
      demoData: true,
      logLevel: 'info',
    });
    // Webhooks retry for at least a day by default (production refuses less).
    const retried = config.webhookRetrySchedule.reduce((a, b) => a + b, 0);
    expect(retried).toBeGreaterThanOrEqual(24 * 3600);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', 'whole number'],
    [{ PORT: '70000' }, 'PORT', 'between 0 and 65535'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV', 'one of development, test, production'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'one of fatal'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL', 'postgres://'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', 'must be a URL'],
    [{ DATABASE_URL: 'postgres://localhost' }, 'DATABASE_URL', 'must name a database'],
    [{ BASE_DOMAIN: 'bad_domain!' }, 'BASE_DOMAIN', 'domain name'],
    [{ PLATFORM_ADMIN_TOKEN: 'short' }, 'PLATFORM_ADMIN_TOKEN', 'at least 32'],
    [{ NODE_ENV: 'production' }, 'PLATFORM_ADMIN_TOKEN', 'required when NODE_ENV=production'],
    [{ DEMO_DATA: 'perhaps' }, 'DEMO_DATA', 'true or false'],
    [{ SESSION_TTL_MINUTES: '1' }, 'SESSION_TTL_MINUTES', 'between 5'],
    [{ EMBEDDED_PG_PORT: '80' }, 'EMBEDDED_PG_PORT', 'between 1024'],
    [
      { NODE_ENV: 'production', PLATFORM_ADMIN_TOKEN: 'p'.repeat(40) },
      'SECRET_KEY',
      'required when NODE_ENV=production',
    ],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY', 'at least 32'],
    [
      { NODE_ENV: 'production', PLATFORM_ADMIN_TOKEN: 'p'.repeat(40), SECRET_KEY: 's'.repeat(40) },
      'SMTP_HOST',
      'required when NODE_ENV=production',
    ],
    [{ SMTP_HOST: 'mail', SMTP_PORT: 'x' }, 'SMTP_PORT', 'whole number'],
    [{ SMTP_HOST: 'mail', SMTP_TLS: 'maybe' }, 'SMTP_TLS', 'one of starttls, implicit, none'],
    [{ MAIL_FROM: 'not an address' }, 'MAIL_FROM', 'an address'],
    [
      { MANAGE_URL_TEMPLATE: 'https://x.example/manage' },
      'MANAGE_URL_TEMPLATE',
      'must contain {token}',
    ],
    [{ NOTIFY_RETRY_LIMIT: '-1' }, 'NOTIFY_RETRY_LIMIT', 'whole number'],
    [{ WEBHOOK_RETRY_SCHEDULE: '5,x' }, 'WEBHOOK_RETRY_SCHEDULE', 'whole numbers of seconds'],
    [{ WEBHOOK_RETRY_SCHEDULE: '0' }, 'WEBHOOK_RETRY_SCHEDULE', 'each at least 1'],
    [
      {
        NODE_ENV: 'production',
        PLATFORM_ADMIN_TOKEN: 'p'.repeat(40),
        SECRET_KEY: 's'.repeat(40),
        SMTP_HOST: 'mail',
        WEBHOOK_RETRY_SCHEDULE: '60,3600',
      },
      'WEBHOOK_RETRY_SCHEDULE',
      'at least 24 hours in production (got 3660 seconds)',
    ],
    [{ WEBHOOK_TIMEOUT_MS: '50' }, 'WEBHOOK_TIMEOUT_MS', 'between 100'],
  ])('refuses %o naming %s', (env, variable, rule) => {
    const err = configError(env);
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(variable);
    expect(err.message).toContain(rule);
  });

  it('never seeds demo data in production', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PLATFORM_ADMIN_TOKEN: 'p'.repeat(40),
      SECRET_KEY: 's'.repeat(40),
      SMTP_HOST: 'smtp.example.com',
      DEMO_DATA: 'true',
    });
    expect(config.demoData).toBe(false);
  });

  it('lists every configuration key exactly once', () => {
    const keys = Object.keys(CONFIG_SPEC).map(configKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(loadConfig({})).sort()).toEqual([...keys].sort());
    expect(configKey('CHANGE_FEED_PROBE_SECONDS')).toBe('changeFeedProbeSeconds');
  });
});
