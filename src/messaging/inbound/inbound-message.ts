/** A class-validator DTO class (decorated properties; instantiated by class-transformer). */
export type DtoClass<T extends object> = new () => T;

/** One valid inbound message, as a domain handler receives it. */
export interface InboundMessage<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** The JSON body, transformed into the route's DTO class and validated (unknown fields stripped). */
  value: T;
  headers: Record<string, string>;
  /**
   * The body's `eventId` when it is a non-empty string, else the `x-event-id` header, else an id
   * derived from (topic, partition, offset): stable across redeliveries, so handlers can dedupe on it.
   */
  eventId: string;
}

/** What a domain module registers for one inbound topic (in its onModuleInit). */
export interface InboundRoute<T extends object> {
  topic: string;
  dto: DtoClass<T>;
  /**
   * Handles the valid messages of one partition batch, in offset order, and resolves only after
   * their effects are committed. Throw PermanentMessageError(msg, eventId) to dead-letter one
   * message; any other error retries the whole batch with back-off (so be idempotent on eventId).
   */
  handleBatch(messages: InboundMessage<T>[]): Promise<void>;
}
