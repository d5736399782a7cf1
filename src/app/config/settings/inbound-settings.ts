import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

import { Setting } from './setting';

/** Consuming inbound topics: batches, retries of a failing handler, size limit. */
export class InboundSettings {
  /** Inbound messages handed to a domain handler per call (and committed together). */
  @Setting('INBOUND_BATCH_SIZE')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  batchSize = 500;

  /** Longest back-off between retries of a failing inbound handler. */
  @Setting('INBOUND_RETRY_MAX_MS')
  @Type(() => Number)
  @IsInt()
  @Min(10)
  retryMaxMs = 10_000;

  /**
   * A partition retrying the same inbound offset this long makes /health/ready report the inbound
   * consumer degraded (503); kafka_inbound_partition_stuck_seconds shows it from the first retry.
   */
  @Setting('INBOUND_STUCK_AFTER_SECONDS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  stuckAfterSeconds = 60;

  /** Largest inbound message (or job action) accepted; larger messages go to the dead-letter topic. */
  @Setting('MAX_MESSAGE_BYTES')
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  maxMessageBytes = 1_048_576;
}
