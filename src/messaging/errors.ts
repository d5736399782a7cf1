/** Messaging errors, told apart by a stable `code` (never by message). */
export abstract class MessagingError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Thrown by an inbound handler for one message that can never succeed (e.g. it contradicts state):
 * that message goes to `<topic>.dlq` and the rest of the batch is handled again without it.
 * Any other error is treated as transient: the batch is retried with back-off, never skipped.
 */
export class PermanentMessageError extends MessagingError {
  readonly code = 'PERMANENT_MESSAGE_ERROR';

  constructor(
    message: string,
    /** The `eventId` of the InboundMessage that failed. */
    readonly eventId: string,
    /** Goes in the dead letter's `x-dlq-error-code` header. */
    readonly reasonCode: string = 'HANDLER_REJECTED',
  ) {
    super(message);
  }
}

/**
 * Why a publish failed when retrying will not fix it soon: the topic does not exist (auto-creation
 * is off), the message is too large, or the client may not write to the topic.
 */
export type PermanentPublishReason =
  | 'UNKNOWN_TOPIC'
  | 'MESSAGE_TOO_LARGE'
  | 'NOT_AUTHORIZED'
  | 'INVALID_TOPIC';

/** Publishing failed (broker down, timeout, not authorized, …); the caller retries. */
export class PublishError extends MessagingError {
  readonly code = 'PUBLISH_FAILED';

  constructor(
    message: string,
    cause?: unknown,
    /** Set when retrying soon will not help; null for transient failures (broker down, timeout). */
    readonly permanent: PermanentPublishReason | null = null,
    /** The topics that failed for that reason, when known (otherwise: some topic of the batch). */
    readonly topics?: string[],
  ) {
    super(message, { cause });
  }
}

/** The consumer was stopped while a batch was still being retried; its offsets stay uncommitted. */
export class ConsumerStoppedError extends MessagingError {
  readonly code = 'CONSUMER_STOPPED';

  constructor() {
    super('the consumer stopped before the batch was handled');
  }
}

/** A topic has no inbound route, or a second route for a topic was registered. */
export class InboundRouteError extends MessagingError {
  readonly code = 'INBOUND_ROUTE_INVALID';
}

/** The publish action's arguments are not `{ topic, key?, value, headers? }`. */
export class PublishArgsError extends MessagingError {
  readonly code = 'PUBLISH_ARGS_INVALID';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** A dead-letter route named a topic that is not an inbound topic of this service. */
export class UnknownDeadLetterTopicError extends MessagingError {
  readonly code = 'DLQ_TOPIC_UNKNOWN';
}

/** A replay or listing range the service refuses (reversed, too long); names the field. */
export class DeadLetterRangeError extends MessagingError {
  readonly code = 'DLQ_RANGE_INVALID';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The broker could not be read (down, timeout); the caller may retry. */
export class TopicReadError extends MessagingError {
  readonly code = 'TOPIC_READ_FAILED';
}
