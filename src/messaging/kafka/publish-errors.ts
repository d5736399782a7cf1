import type { PermanentPublishReason } from '../errors';

/**
 * kafkajs error types (KafkaJSProtocolError.type) that retrying the same message soon will not fix.
 * kafkajs itself retries UNKNOWN_TOPIC_OR_PARTITION for ~10 s before giving up, which is why the
 * bus checks topics itself first (TopicDirectory) and this table is the fallback.
 */
const PERMANENT: Record<string, PermanentPublishReason> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'UNKNOWN_TOPIC',
  INVALID_TOPIC_EXCEPTION: 'INVALID_TOPIC',
  TOPIC_AUTHORIZATION_FAILED: 'NOT_AUTHORIZED',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  RECORD_LIST_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  INVALID_RECORD: 'MESSAGE_TOO_LARGE',
};

/** The permanent reason behind a kafkajs error (looking through retry wrappers), or null. */
export function permanentReason(error: unknown): PermanentPublishReason | null {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { type?: unknown; originalError?: unknown; cause?: unknown };
    if (typeof e.type === 'string' && e.type in PERMANENT) return PERMANENT[e.type];
    current = e.originalError ?? e.cause;
  }
  return null;
}
