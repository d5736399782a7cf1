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
  /**
   * Start what must run before jobs can be fed in (ours: the service's replicas, on the run's
   * topics), before the plan's due times are chosen. Returns seconds taken.
   */
  boot?(topics: BenchTopics, label: string, runId: string): Promise<number>;
  /** Load the plan's measured jobs (not measured). Returns seconds taken. */
  prepare(plan: RunPlan, topics: BenchTopics): Promise<number>;
  /** Start the system's processes (if boot did not); they fire the loaded jobs from now on. */
  start(plan: RunPlan, topics: BenchTopics): Promise<RunningSystem>;
  /** Scheduling rate through the system's own API, one entry per API flavour. */
  /** `infra`: the shared servers (mariadbd, Kafka), metered alongside the system's own processes. */
  ingest(jobs: number, seconds: number, runId: string, infra: MeteredProcess[]): Promise<IngestResult[]>;
  close(): Promise<void>;
}

export interface RunningSystem {
  processes: MeteredProcess[];
  /**
   * Effects so far, where the user sees them: cancels acked on Kafka (ours, BullMQ), outbox rows
   * committed (APScheduler, which has no Kafka side).
   */
  progress(): Promise<number>;
  /** Stop the processes; returns their counters (errors, missed, …). */
  stop(): Promise<Record<string, number>>;
  /** The run's `cancel` effects where the user sees them (after stop). */
  effects(): Promise<EffectSample>;
  /** ours: the same cancels at their outbox commit (before the relay publishes them). */
  outboxEffects?(): Promise<EffectSample>;
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
  /**
   * CPU milliseconds per job over the window, by process (ours' service APIs: the replica,
   * mariadbd and the Kafka broker).
   */
  cpuMsPerJob?: Record<string, number>;
}
