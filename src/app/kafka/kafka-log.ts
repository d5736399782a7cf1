import { Logger, type LoggerService } from '@nestjs/common';
import { type LogEntry, logLevel, type logCreator } from 'kafkajs';

import { scrubJsonLine, scrubSecrets } from '../logging/secret-scrubber';

type Sink = Pick<LoggerService, 'error' | 'warn' | 'log' | 'debug'>;

/**
 * kafkajs's own lines (connection and broker errors, rebalances) through Nest's Logger (pino in
 * the service) instead of its default straight to the console, as one text with their details,
 * secrets hidden before they reach any sink (the CLI logs to the console).
 */
export function kafkaLogCreator(sink: Sink = new Logger('kafkajs')): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...details } = log;
      const extra = Object.keys(details).length > 0 ? ` ${scrubJsonLine(JSON.stringify(details))}` : '';
      const said = String(message);
      const text = `${namespace ? `${namespace}: ` : ''}${scrubSecrets(said)}${extra}`;
      if (level <= logLevel.ERROR && !handledResponse(namespace, said)) sink.error(text);
      else if (level <= logLevel.WARN) sink.warn(text);
      else if (level === logLevel.INFO) sink.log(text);
      else sink.debug?.(text);
    };
}

/**
 * kafkajs's connection logs every error response of the broker at ERROR, before the request's
 * caller decides what it means: retried (LEADER_NOT_AVAILABLE after a restart) or expected
 * (TOPIC_ALREADY_EXISTS when replicas create the topics together). The caller's failure, if any,
 * is logged where it happens, so these are warnings.
 */
function handledResponse(namespace: string | undefined, message: string): boolean {
  return namespace === 'Connection' && message.startsWith('Response ');
}
