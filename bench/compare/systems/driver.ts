import type { MeteredProcess } from '../proc-meter';
import type { BenchTopics, OneShotBlock, RunPlan } from '../plan';
import type { EffectSample } from '../stats';

/** One system under test, as the workloads drive it. */
export interface SystemDriver {
  /** e.g. `ours-1`, `ours-3`, `bullmq`, `apscheduler`. */
  readonly name: string;
  /** Shared processes this system brings (Redis), metered with MariaDB and Kafka. */
  sharedProcesses(): MeteredProcess[];
  /**
   * Make the store hold exactly `pending` far-future jobs and nothing else (kept between runs when
   * unchanged, since 5M take minutes to write). Returns seconds taken.
   */
  loadPending(pending: OneShotBlock | null): Promise<number>;
  /** Load the plan's measured jobs (not measured). Returns seconds taken. */
  prepare(plan: RunPlan, topics: BenchTopics): Promise<number>;
  /** Start the system's processes; they fire the loaded jobs from now on. */
  start(plan: RunPlan, topics: BenchTopics): Promise<RunningSystem>;
  /** Scheduling rate through the system's own API, one entry per API flavour. */
  ingest(jobs: number, seconds: number): Promise<IngestResult[]>;
  close(): Promise<void>;
}

export interface RunningSystem {
  processes: MeteredProcess[];
  /** Effects committed so far (fires whose outbox rows committed / whose Kafka messages were acked). */
  progress(): Promise<number>;
  /** ours: events published to Kafka by the relay so far (both kinds). */
  relayed?(): Promise<number>;
  /** Stop the processes; returns their counters (errors, missed, …). */
  stop(): Promise<Record<string, number>>;
  /** The effects of the run's `cancel` events (after stop). */
  effects(): Promise<EffectSample>;
  /** ours: the relayed `cancel` messages as Kafka has them. */
  kafkaEffects?(): Promise<EffectSample>;
  /** Doubled runs the system recorded (same job and scheduled time twice). */
  doubledRuns(): Promise<number>;
  /** Remove what the run left (database rows, topics, queues). */
  cleanup(): Promise<void>;
}

export interface IngestResult {
  api: string;
  jobs: number;
  seconds: number;
  jobsPerSec: number;
}
