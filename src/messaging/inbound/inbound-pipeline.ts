import { Backoff } from '../../scheduler/backoff';
import type { BatchHandler, BusMessage, EventBus, InboundBatch, InboundRecord } from '../event-bus';
import { ConsumerStoppedError, InboundRouteError, PermanentMessageError } from '../errors';
import { silentLogger, type MessagingLogger } from '../logger';
import { describeError, sleep } from '../sleep';
import type { MessagingTelemetry } from '../telemetry';
import { deadLetter } from './dead-letter';
import { decodeRecord } from './decode-record';
import type { InboundMessage, InboundRoute } from './inbound-message';
import type { InboundRegistry } from './inbound-registry';
import { StuckPartitions } from './stuck-partitions';

/** Longest wait between heartbeats while a failing batch backs off. */
const HEARTBEAT_SLICE_MS = 1000;

export interface InboundPipelineOptions {
  /** MAX_MESSAGE_BYTES: larger values are dead-lettered. */
  maxMessageBytes: number;
  /** Deeper JSON values are dead-lettered. Default MAX_JSON_DEPTH (20). */
  maxJsonDepth?: number;
  /**
   * Says whether a handler error means the store refused a message's data for good (constraint,
   * invalid JSON, too long, bad charset…): returns a description to dead-letter it with, or
   * undefined to retry. Default: nothing is refused for good.
   */
  rejectedReason?: (error: unknown) => string | undefined;
  /** Back-off of handler and dead-letter retries. Default 100 ms doubling to 10 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Milliseconds since the epoch, for how long a partition has been retrying. Default Date.now. */
  now?: () => number;
}

/** The x-dlq-error-code of a message whose data the store refused (see rejectedReason). */
const STORE_REJECTED = 'STORE_REJECTED';

interface Decoded {
  record: InboundRecord;
  message: InboundMessage<object>;
}

/**
 * The consumer side of every inbound topic: bad messages (oversize, too deep, not JSON, invalid)
 * go to `<topic>.dlq` unchanged, the valid ones go to the topic's handler as one batch. The batch
 * resolves (and so is committed) only once dead letters are published and the handler succeeded.
 * A handler error the store calls a refusal of the data is narrowed down to the one message that
 * causes it (by halving the batch, keeping offset order) and that message is dead-lettered; any
 * other failure is retried here with back-off for as long as the consumer runs, and the partition
 * is reported in `stuck` meanwhile.
 */
export class InboundPipeline {
  readonly stuck: StuckPartitions;

  constructor(
    private readonly registry: InboundRegistry,
    private readonly bus: Pick<EventBus, 'publish'>,
    private readonly options: InboundPipelineOptions,
    private readonly telemetry?: MessagingTelemetry,
    private readonly logger: MessagingLogger = silentLogger,
  ) {
    this.stuck = new StuckPartitions(options.now ?? Date.now);
  }

  readonly handle: BatchHandler = async (batch) => {
    const started = Date.now();
    const route = this.registry.get(batch.topic);
    if (!route) throw new InboundRouteError(`no inbound route for topic '${batch.topic}'`);
    const backoff = new Backoff(this.options.retryBaseMs ?? 100, this.options.retryMaxMs ?? 10_000);
    try {
      const pending: Decoded[] = [];
      const dead: BusMessage[] = [];
      for (const record of batch.records) {
        const result = await decodeRecord(
          record,
          route.dto,
          this.options.maxMessageBytes,
          this.options.maxJsonDepth,
        );
        if (result.ok) pending.push({ record, message: result.message });
        else dead.push(deadLetter(record, result.code, result.error));
      }
      await this.deadLetter(batch, dead, backoff);
      await this.handleIsolating(batch, route, pending, backoff);
    } finally {
      this.stuck.clear(batch.topic, batch.partition);
    }
    this.telemetry?.emit('inbound.handled', {
      topic: batch.topic,
      partition: batch.partition,
      count: batch.records.length,
      durationMs: Date.now() - started,
    });
  };

  /** Hands `messages` to the route; dead-letters the ones it rejects for good, retries the rest. */
  private async handleIsolating(
    batch: InboundBatch,
    route: InboundRoute<object>,
    messages: Decoded[],
    backoff: Backoff,
  ): Promise<void> {
    let pending = messages;
    while (pending.length > 0) {
      try {
        await route.handleBatch(pending.map((d) => d.message));
        return;
      } catch (error) {
        const rejected =
          error instanceof PermanentMessageError
            ? pending.filter((d) => d.message.eventId === error.eventId)
            : [];
        if (error instanceof PermanentMessageError && rejected.length > 0) {
          const letters = rejected.map((d) => deadLetter(d.record, error.reasonCode, error.message));
          await this.deadLetter(batch, letters, backoff);
          pending = pending.filter((d) => d.message.eventId !== error.eventId);
          continue;
        }
        const reason = this.options.rejectedReason?.(error);
        if (reason !== undefined) {
          if (pending.length === 1) {
            await this.deadLetter(batch, [deadLetter(pending[0].record, STORE_REJECTED, reason)], backoff);
            return;
          }
          // Handlers write a batch in one go, so the error does not say which message caused it:
          // halve until it does. Handlers are idempotent on eventId, so re-running is safe.
          const half = Math.ceil(pending.length / 2);
          await this.handleIsolating(batch, route, pending.slice(0, half), backoff);
          await this.handleIsolating(batch, route, pending.slice(half), backoff);
          return;
        }
        await this.retryLater(batch, pending[0].record.offset, backoff, error, 'handler');
      }
    }
  }

  private async deadLetter(batch: InboundBatch, letters: BusMessage[], backoff: Backoff): Promise<void> {
    if (letters.length === 0) return;
    for (;;) {
      try {
        await this.bus.publish(letters);
        break;
      } catch (error) {
        const offset = letters[0].headers['x-dlq-source-offset'];
        await this.retryLater(batch, offset, backoff, error, 'dead-letter publish');
      }
    }
    for (const letter of letters) {
      this.logger.warn(
        `dead-lettered ${batch.topic}/${batch.partition}@${letter.headers['x-dlq-source-offset']}: ${letter.headers['x-dlq-error-code']} ${letter.headers['x-dlq-error']}`,
      );
      this.telemetry?.emit('inbound.deadLettered', {
        sourceTopic: batch.topic,
        code: letter.headers['x-dlq-error-code'],
      });
    }
  }

  /** Waits out the back-off (keeping group membership); throws if the consumer stops meanwhile. */
  private async retryLater(
    batch: InboundBatch,
    offset: string,
    backoff: Backoff,
    error: unknown,
    what: string,
  ): Promise<void> {
    const delay = backoff.next();
    const described = describeError(error);
    this.stuck.failed(batch.topic, batch.partition, offset, described);
    this.telemetry?.emit('inbound.retry', { topic: batch.topic, partition: batch.partition, error });
    this.logger.warn(
      `${what} failed for ${batch.topic}/${batch.partition}@${offset}, retrying in ${delay} ms: ${described}`,
    );
    // Heartbeats while waiting: a back-off longer than the session timeout must not drop the member.
    for (let waited = 0; waited < delay; waited += HEARTBEAT_SLICE_MS) {
      await sleep(Math.min(HEARTBEAT_SLICE_MS, delay - waited), batch.signal);
      if (!batch.isActive()) throw new ConsumerStoppedError();
      await batch.heartbeat();
    }
    if (!batch.isActive()) throw new ConsumerStoppedError();
  }
}
