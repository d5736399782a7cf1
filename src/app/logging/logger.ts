import pino, { type Logger, type LoggerOptions } from 'pino';

import { REDACT_PATHS, scrubSecrets } from './redaction';

export type AppLogger = Logger;
export const APP_LOGGER = Symbol('APP_LOGGER');

function scrubbedError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack'] as const) {
    const value = serialized[key];
    if (typeof value === 'string') serialized[key] = scrubSecrets(value);
  }
  return serialized;
}

/**
 * The process's JSON logger: LOG_LEVEL honoured, secrets censored (API keys, authorization,
 * credentials inside URLs). The request id comes from the per-request child pino-http makes.
 */
export function createAppLogger(
  level: string,
  destination?: pino.DestinationStream,
  extra: LoggerOptions = {},
): AppLogger {
  const options: LoggerOptions = {
    level,
    base: { service: 'delayed-action-service' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: { err: scrubbedError, error: scrubbedError },
    hooks: {
      logMethod(args, method) {
        const scrubbed: unknown[] = args.map((arg: unknown) =>
          typeof arg === 'string' ? scrubSecrets(arg) : arg,
        );
        // Without a message pino takes the error's own (Nest's Logger.error(err) passes none): scrub it too.
        if (scrubbed.length <= 2 && scrubbed[1] === undefined) {
          const first = scrubbed[0];
          const error = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
          if (error instanceof Error) scrubbed.splice(1, 1, scrubSecrets(error.message));
        }
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    ...extra,
  };
  return destination ? pino(options, destination) : pino(options);
}
