import pino, { type Logger, type LoggerOptions } from 'pino';

import { REDACT_PATHS } from './redaction';
import { scrubJsonLine, SECRET_CENSOR } from './secret-scrubber';

export type AppLogger = Logger;
export const APP_LOGGER = Symbol('APP_LOGGER');

/**
 * The process's JSON logger: LOG_LEVEL honoured, secrets censored. Known secret fields (API key
 * and authorization headers, secret settings in a config dump) by path; and every finished line,
 * whatever logged it (this logger, its children, pino-http's request lines with their own
 * serializers, Nest's Logger through nestjs-pino), has URL passwords and the configured secret
 * values hidden from all its strings (secret-scrubber.ts). The request id comes from the
 * per-request child pino-http makes.
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
    redact: { paths: REDACT_PATHS, censor: SECRET_CENSOR },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    hooks: { streamWrite: scrubJsonLine },
    ...extra,
  };
  return destination ? pino(options, destination) : pino(options);
}
