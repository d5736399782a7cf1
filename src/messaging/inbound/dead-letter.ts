import { scrubSecrets } from '../../app/logging/secret-scrubber';
import { dlqTopicFor, type BusMessage, type InboundRecord } from '../event-bus';

export const DLQ_HEADERS = {
  code: 'x-dlq-error-code',
  error: 'x-dlq-error',
  sourceTopic: 'x-dlq-source-topic',
  sourcePartition: 'x-dlq-source-partition',
  sourceOffset: 'x-dlq-source-offset',
} as const;

/** Header values are bounded: a validation report of a huge message must not make the DLQ message too large. */
const MAX_ERROR_TEXT = 2000;

/**
 * The dead letter of a record: same key, same value bytes, same headers, plus headers naming the
 * error (secrets hidden) and where the record came from. A record without a value is dead-lettered with an empty one.
 */
export function deadLetter(record: InboundRecord, code: string, reason: string): BusMessage {
  // The error header is the service's own text (a parse or database error may quote the value or a credential).
  const error = scrubSecrets(reason);
  return {
    topic: dlqTopicFor(record.topic),
    key: record.key,
    value: record.value ?? Buffer.alloc(0),
    headers: {
      ...record.headers,
      [DLQ_HEADERS.code]: code,
      [DLQ_HEADERS.error]: error.length > MAX_ERROR_TEXT ? `${error.slice(0, MAX_ERROR_TEXT)}…` : error,
      [DLQ_HEADERS.sourceTopic]: record.topic,
      [DLQ_HEADERS.sourcePartition]: String(record.partition),
      [DLQ_HEADERS.sourceOffset]: record.offset,
    },
  };
}
