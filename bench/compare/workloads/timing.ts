import type { SystemDriver } from '../systems/driver';

/**
 * Conservative load rates (jobs/s) of each system's set-up path, for choosing a start time after
 * it: ours takes its orders in from Kafka (`orders.created`) with its replicas already up
 * (BENCH_OURS_LOAD_RATE overrides its 2,500/s, e.g. on a machine too busy for that).
 */
const LOAD_RATE: Record<string, number> = {
  apscheduler: 5_000,
  bullmq: 10_000,
  'ours-1': Number(process.env.BENCH_OURS_LOAD_RATE ?? 2_500),
  'ours-3': Number(process.env.BENCH_OURS_LOAD_RATE ?? 2_500),
};
const DEFAULT_LOAD_RATE = 10_000;

/** A due time far enough out for `jobs` jobs to be loaded and the processes started first. */
export function startAfterLoad(
  driver: SystemDriver,
  jobs: number,
  rate = LOAD_RATE[driver.name] ?? DEFAULT_LOAD_RATE,
): number {
  return Date.now() + 8_000 + Math.ceil((jobs / rate) * 1000);
}
