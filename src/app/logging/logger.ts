import pino, { type Logger, type LoggerOptions } from 'pino';

import { REDACT_PATHS, scrubSecrets } from './redaction';
import { requestContext } from './request-context';

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
 * credentials inside URLs), and the current request's id on every line written while serving it.
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
    mixin: () => {
      const ctx = requestContext.getStore();
      return ctx ? { requestId: ctx.requestId } : {};
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg: unknown) => (typeof arg === 'string' ? scrubSecrets(arg) : arg));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    ...extra,
  };
  return destination ? pino(options, destination) : pino(options);
}
