import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

import { Setting } from './setting';

/** The relay publishing the transactional outbox to Kafka. */
export class OutboxSettings {
  @Setting('OUTBOX_BATCH_SIZE')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  batchSize = 500;

  /**
   * Batches read and not yet marked sent, at most: the next batch is read and the previous ones
   * marked while one is being published (publishes stay one at a time, in order).
   */
  @Setting('OUTBOX_BATCHES_IN_FLIGHT')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  batchesInFlight = 4;

  @Setting('OUTBOX_POLL_MS')
  @Type(() => Number)
  @IsInt()
  @Min(5)
  pollMs = 100;

  @Setting('OUTBOX_RETENTION_HOURS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  retentionHours = 24;

  /** Readiness check 'outbox' reports down once the relay has failed continuously for this long. */
  @Setting('OUTBOX_DOWN_AFTER_MS')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  downAfterMs = 30_000;

  /**
   * Longest back-off of the outbox relay after a failure (database or broker down): also how late,
   * at most, it notices the outage is over and readiness turns up again.
   */
  @Setting('OUTBOX_RETRY_MAX_MS')
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  retryMaxMs = 2000;

  /**
   * An outbox event whose topic keeps refusing it (unknown topic, too large, not authorized) is
   * dead-lettered after failing this long; meanwhile only its topic waits, the others flow.
   */
  @Setting('OUTBOX_DEAD_LETTER_AFTER_MS')
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(7 * 24 * 3_600_000)
  deadLetterAfterMs = 300_000;
}
