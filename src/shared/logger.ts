import type { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import type { Config } from '../config.js';
import { scrub, scrubDeep } from './scrub.js';

/** JSON lines (pretty in development), scrubbed of customer data and credentials. */
export function createLogger(config: Config, destination?: Writable): Logger {
  const pretty = config.nodeEnv === 'development' && !destination;
  return pino(
    {
      level: config.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
        censor: '[redacted]',
      },
      formatters: {
        log: (record) => scrubDeep(record) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      serializers: {
        err: (err: unknown) => scrubDeep(err),
      },
      ...(pretty
        ? {
            transport: {
              target: 'pino-pretty',
              // One line per record, as in JSON.
              options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname', singleLine: true },
            },
          }
        : {}),
    },
    destination,
  );
}
