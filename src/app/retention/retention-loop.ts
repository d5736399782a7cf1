import { performance } from 'node:perf_hooks';

import type { RelayLeadership } from '../../messaging/relay-leadership';
import { describeError, sleep } from '../../messaging/sleep';
import type { Clock } from '../../scheduler';

/** One table's retention: a batch of at most `limit` rows past retention at `now`, deleted. */
export interface RetentionTask {
  /** The table (metric label). */
  table: string;
  /** Deletes at most `limit` rows (one short transaction); returns how many. */
  pruneBatch(now: Date, limit: number): Promise<number>;
}

/** What one pass did to one table. */
export interface TableReport {
  table: string;
  rows: number;
  batches: number;
  /** Wall-clock time of the table's batches, pauses included. */
  ms: number;
}

export interface RetentionLoopOptions {
  /** Rows per batch (RETENTION_BATCH_SIZE). */
  batchSize: number;
  /** Pause between two batches (RETENTION_BATCH_PAUSE_MS): firing and ingest get the database in between. */
  pauseMs: number;
  /** Time between passes (RETENTION_INTERVAL_SECONDS); the first pass comes after min(this, 30 s). */
  intervalMs: number;
  /** Only the leader prunes (one replica at a time); embedded mode leads alone. */
  leadership: RelayLeadership;
  onPruned?: (table: string, rows: number) => void;
  onPass?: (reports: TableReport[]) => void;
  logger?: { log(message: string): void; warn(message: string): void };
}

/**
 * Keeps the service's tables bounded: every interval, on the replica holding the retention lock,
 * each table is pruned in batches of `batchSize` (each its own short statement or transaction)
 * with a pause between them, until a batch comes back short. Nothing waits on it: a pass that
 * fails is logged and the next interval tries again.
 */
export class RetentionLoop {
  private abort = new AbortController();
  private done: Promise<void> | null = null;

  constructor(
    private readonly tasks: readonly RetentionTask[],
    private readonly clock: Clock,
    private readonly options: RetentionLoopOptions,
  ) {}

  start(): void {
    if (this.done || this.tasks.length === 0) return;
    this.abort = new AbortController();
    this.done = this.loop(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
    this.done = null;
    await this.options.leadership.release().catch(() => undefined);
  }

  /** One pass when this replica leads (else nothing): every table until it has nothing past retention. */
  async runPass(signal?: AbortSignal): Promise<TableReport[]> {
    if (!(await this.options.leadership.lead())) return [];
    const now = this.clock.now();
    const { batchSize, pauseMs } = this.options;
    const reports: TableReport[] = [];
    for (const task of this.tasks) {
      const started = performance.now();
      const report: TableReport = { table: task.table, rows: 0, batches: 0, ms: 0 };
      while (!signal?.aborted) {
        const deleted = await task.pruneBatch(now, batchSize);
        report.batches++;
        report.rows += deleted;
        if (deleted > 0) this.options.onPruned?.(task.table, deleted);
        if (deleted < batchSize) break;
        // Even at 0 ms this yields to the event loop (and the pool) between batches.
        await sleep(pauseMs, signal);
      }
      report.ms = performance.now() - started;
      reports.push(report);
    }
    this.options.onPass?.(reports);
    const pruned = reports.filter((r) => r.rows > 0);
    if (pruned.length > 0)
      this.options.logger?.log(
        `retention: pruned ${pruned.map((r) => `${r.rows} ${r.table} in ${r.batches} batch(es), ${Math.round(r.ms)} ms`).join('; ')}`,
      );
    return reports;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let wait = Math.min(this.options.intervalMs, 30_000);
    while (!signal.aborted) {
      await sleep(wait, signal);
      if (signal.aborted) return;
      try {
        await this.runPass(signal);
      } catch (error) {
        this.options.logger?.warn(
          `retention: pass failed (next in ${this.options.intervalMs} ms): ${describeError(error)}`,
        );
      }
      wait = this.options.intervalMs;
    }
  }
}
