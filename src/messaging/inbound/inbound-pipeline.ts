import { Backoff } from '../../scheduler/backoff';
import type { BatchHandler, BusMessage, EventBus, InboundBatch, InboundRecord } from '../event-bus';
import { ConsumerStoppedError, InboundRouteError, PermanentMessageError } from '../errors';
import { silentLogger, type MessagingLogger } from '../logger';
import { describeError, sleep } from '../sleep';
import type { MessagingTelemetry } from '../telemetry';
import { deadLetter } from './dead-letter';
import { decodeRecord } from './decode-record';
import type { InboundMessage } from './inbound-message';
import type { InboundRegistry } from './inbound-registry';

export interface InboundPipelineOptions {
  /** MAX_MESSAGE_BYTES: larger values are dead-lettered. */
  maxMessageBytes: number;
  /** Back-off of handler and dead-letter retries. Default 100 ms doubling to 10 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

interface Decoded {
  record: InboundRecord;
  message: InboundMessage<object>;
}

/**
 * The consumer side of every inbound topic: bad messages (oversize, not JSON, invalid) go to
 * `<topic>.dlq` unchanged, the valid ones go to the topic's handler as one batch. The batch
 * resolves (and so is committed) only once dead letters are published and the handler succeeded;
 * a transient failure is retried here with back-off for as long as the consumer runs.
 */
export class InboundPipeline {
  constructor(
    private readonly registry: InboundRegistry,
    private readonly bus: Pick<EventBus, 'publish'>,
    private readonly options: InboundPipelineOptions,
    private readonly telemetry?: MessagingTelemetry,
    private readonly logger: MessagingLogger = silentLogger,
  ) {}

  readonly handle: BatchHandler = async (batch) => {
    const started = Date.now();
    const route = this.registry.get(batch.topic);
    if (!route) throw new InboundRouteError(`no inbound route for topic '${batch.topic}'`);
    const backoff = new Backoff(this.options.retryBaseMs ?? 100, this.options.retryMaxMs ?? 10_000);
    let pending: Decoded[] = [];
    const dead: BusMessage[] = [];
    for (const record of batch.records) {
      const result = await decodeRecord(record, route.dto, this.options.maxMessageBytes);
      if (result.ok) pending.push({ record, message: result.message });
      else dead.push(deadLetter(record, result.code, result.error));
    }
    await this.deadLetter(batch, dead, backoff);
    while (pending.length > 0) {
      try {
        await route.handleBatch(pending.map((d) => d.message));
        break;
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
        await this.retryLater(batch, backoff, error, 'handler');
      }
    }
    this.telemetry?.emit('inbound.handled', {
      topic: batch.topic,
      partition: batch.partition,
      count: batch.records.length,
      durationMs: Date.now() - started,
    });
  };

  private async deadLetter(batch: InboundBatch, letters: BusMessage[], backoff: Backoff): Promise<void> {
    if (letters.length === 0) return;
    for (;;) {
      try {
        await this.bus.publish(letters);
        break;
      } catch (error) {
        await this.retryLater(batch, backoff, error, 'dead-letter publish');
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
    backoff: Backoff,
    error: unknown,
    what: string,
  ): Promise<void> {
    const delay = backoff.next();
    this.telemetry?.emit('inbound.retry', { topic: batch.topic, partition: batch.partition, error });
    this.logger.warn(
      `${what} failed for ${batch.topic}/${batch.partition}@${batch.records[0]?.offset}, retrying in ${delay} ms: ${describeError(error)}`,
    );
    await sleep(delay, batch.signal);
    if (!batch.isActive()) throw new ConsumerStoppedError();
    await batch.heartbeat();
  }
}
