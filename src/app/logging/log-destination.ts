import type { DestinationStream } from 'pino';

import type { AppConfig } from '../config/app-config';

export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * Where log lines go: JSON lines on stdout, or, for a person at a terminal, pino-pretty's
 * coloured lines. Pretty when LOG_PRETTY=true, or when LOG_PRETTY is unset, stdout is a TTY and
 * NODE_ENV is not production. pino-pretty is a dev dependency: where it is not installed (the
 * production image) the JSON stays.
 */
export function logDestination(
  config: Pick<AppConfig, 'log' | 'runtime'>,
  isTty = process.stdout.isTTY === true,
  output?: NodeJS.WritableStream,
): DestinationStream | undefined {
  const pretty = config.log.pretty ?? (isTty && config.runtime.nodeEnv !== 'production');
  if (!pretty) return undefined;
  try {
    // Required lazily: absent from production installs, and only wanted here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const prettyFactory = require('pino-pretty') as (options: object) => DestinationStream;
    return prettyFactory({
      colorize: isTty,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      // Tests read the lines; otherwise pino-pretty writes to stdout.
      ...(output ? { destination: output, sync: true } : {}),
    });
  } catch {
    return undefined;
  }
}
