import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

import { Setting } from './setting';

/** The engine's loop on this replica, and the retry policy of jobs that set none. */
export class SchedulerSettings {
  /** This replica's name in leases and run history. Unset: hostname-pid, filled in at start-up. */
  @Setting('SCHEDULER_REPLICA_ID')
  @IsOptional()
  @IsString()
  @MinLength(1)
  replicaId?: string;

  @Setting('SCHEDULER_LEASE_SECONDS')
  @Type(() => Number)
  @IsInt()
  @Min(5)
  leaseSeconds = 60;

  @Setting('SCHEDULER_BATCH_SIZE')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  batchSize = 500;

  @Setting('SCHEDULER_MAX_CONCURRENCY')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  maxConcurrency = 100;

  @Setting('SCHEDULER_RUN_TIMEOUT_SECONDS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  runTimeoutSeconds = 30;

  /**
   * Jobs defined in a file (JSON or YAML, APScheduler's names; docs/library.md), reconciled into
   * the store at start as source `file`; a bad job fails the start, naming the job and the field.
   */
  @Setting('SCHEDULER_JOBS_FILE')
  @IsOptional()
  @IsString()
  @MinLength(1)
  jobsFile?: string;

  /** Longest sleep of the loop: other replicas may add due jobs it cannot hear about. */
  @Setting('SCHEDULER_MAX_POLL_MS')
  @Type(() => Number)
  @IsInt()
  @Min(10)
  maxPollMs = 1000;

  /**
   * Shortest time from a look that claimed jobs to the next, while jobs fall due one after
   * another: those due within it are claimed and committed together (fewer, larger
   * transactions), for up to this much lateness. An idle loop still wakes at the due time.
   */
  @Setting('SCHEDULER_MIN_POLL_MS')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  minPollMs = 20;

  /** Retry policy of jobs that set none (a job's `retry` overrides any part): attempts in all. */
  @Setting('SCHEDULER_RETRY_MAX_ATTEMPTS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(185)
  retryMaxAttempts = 5;

  /** Delay before the second attempt; each next one is SCHEDULER_RETRY_MULTIPLIER times longer. */
  @Setting('SCHEDULER_RETRY_INITIAL_SECONDS')
  @Type(() => Number)
  @Min(0)
  @Max(86_400)
  retryInitialSeconds = 10;

  @Setting('SCHEDULER_RETRY_MULTIPLIER')
  @Type(() => Number)
  @Min(1)
  @Max(10)
  retryMultiplier = 2;

  @Setting('SCHEDULER_RETRY_MAX_SECONDS')
  @Type(() => Number)
  @Min(0)
  @Max(86_400)
  retryMaxSeconds = 600;

  /** Fraction of each delay drawn at random (0-1). */
  @Setting('SCHEDULER_RETRY_JITTER')
  @Type(() => Number)
  @Min(0)
  @Max(1)
  retryJitter = 0.2;

  /** A run older than this is not attempted again (it is dead). */
  @Setting('SCHEDULER_RETRY_MAX_EVENT_AGE_SECONDS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(604_800)
  retryMaxEventAgeSeconds = 86_400;
}
