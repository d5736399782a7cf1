import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

import { Setting } from './setting';

/**
 * Bounded tables (docs/operations.md, Retention). Ages in days, 0 = keep forever; order_states and
 * processed_commands are never kept shorter than the duplicate window (checked in load-config.ts).
 */
export class RetentionSettings {
  /**
   * A redelivered inbound event (orders.created/paid, scheduler.commands) is recognised as a
   * duplicate for at least this long after it was first handled: the longest time a message can
   * come again (the inbound topics' retention.ms; Kafka's default is 7 days).
   */
  @Setting('INBOUND_DUPLICATE_WINDOW_DAYS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  duplicateWindowDays = 7;

  /** Runs scheduled longer ago are deleted, except each live job's newest runHistoryKeepLast. */
  @Setting('RETENTION_RUN_HISTORY_DAYS')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  runHistoryDays = 30;

  @Setting('RETENTION_RUN_HISTORY_KEEP_LAST')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  runHistoryKeepLast = 100;

  /** Settled orders (never pending ones), after their last change. */
  @Setting('RETENTION_ORDER_STATES_DAYS')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  orderStatesDays = 30;

  /** Applied command eventIds, after they were applied. */
  @Setting('RETENTION_PROCESSED_COMMANDS_DAYS')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  processedCommandsDays = 7;

  /** Rows deleted per batch, each its own short statement or transaction. */
  @Setting('RETENTION_BATCH_SIZE')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  batchSize = 500;

  /** Pause between two batches: firing and ingest get the database in between. */
  @Setting('RETENTION_BATCH_PAUSE_MS')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  batchPauseMs = 50;

  /** Time between passes (on one replica at a time). */
  @Setting('RETENTION_INTERVAL_SECONDS')
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(86_400)
  intervalSeconds = 600;
}
