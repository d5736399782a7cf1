import type { DataSource } from 'typeorm';

import { MySqlJobStore } from '../../src/persistence/mysql-job-store';
import { SystemClock } from '../../src/scheduler/clocks/system-clock';
import type { Job } from '../../src/scheduler/job';
import { Scheduler } from '../../src/scheduler/scheduler';
import { countTransactions, type TxCounts } from './counting-store';
import { percentile, rate } from './stats';
import { drainDue } from './store-driver';

export interface BenchOptions {
  batch: number;
  concurrency: number;
}

const clock = new SystemClock();

function oneShot(id: string, at: Date): Job {
  return {
    id,
    name: id,
    trigger: { type: 'date', runDate: at.toISOString() },
    action: { handler: 'emitTwo' },
    misfireGraceTime: null,
    coalesce: true,
    maxInstances: 1,
    paused: false,
    nextRunTime: at,
  };
}

async function count(ds: DataSource, sql: string): Promise<number> {
  const [{ n }] = (await ds.query(sql)) as { n: string }[];
  return Number(n);
}

/** Waits on the in-process count of committed runs (see countTransactions). */
async function waitForRuns(counts: TxCounts, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (counts.committedRuns < expected) {
    if (Date.now() > deadline) throw new Error(`only part of ${expected} runs committed in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function resetRuns(ds: DataSource): Promise<void> {
  await ds.query('TRUNCATE TABLE scheduler_job_runs');
  await ds.query('TRUNCATE TABLE scheduler_outbox');
}

export async function insertRate(ds: DataSource, n: number): Promise<number> {
  const store = new MySqlJobStore(ds, clock);
  const future = new Date('2098-01-01T00:00:00Z');
  const jobs = Array.from({ length: n }, (_, i) => oneShot(`insert-${i}`, new Date(future.getTime() + i)));
  const t = performance.now();
  for (let i = 0; i < n; i += 5_000) await store.addJobs(jobs.slice(i, i + 5_000));
  const ms = performance.now() - t;
  await ds.query("DELETE FROM scheduler_jobs WHERE id LIKE 'insert-%'");
  return rate(n, ms);
}

function createScheduler(store: MySqlJobStore, options: BenchOptions): Scheduler {
  const scheduler = new Scheduler({
    store,
    clock,
    owner: 'bench',
    batchSize: options.batch,
    maxConcurrency: options.concurrency,
    maxPollMs: 1_000,
    runTimeoutMs: null,
  });
  scheduler.registerHandler('emitTwo', (ctx) => {
    const value = { jobId: ctx.jobId, scheduledAt: ctx.scheduledAt.toISOString() };
    ctx.emit('cancel', { topic: 'orders.cancel', key: ctx.jobId, value });
    ctx.emit('restock', { topic: 'inventory.restock', key: ctx.jobId, value });
  });
  return scheduler;
}

export interface FireResult {
  firesPerSec: number;
  outboxRows: number;
  txPerFire: number;
  claims: number;
  completions: number;
  lockRetries: number;
}

/** n one-shot jobs already due, fired by one Scheduler (acquire, no-op handler emitting 2 events, completeRuns). */
export async function schedulerFireRate(
  ds: DataSource,
  n: number,
  options: BenchOptions,
  tag: string,
): Promise<FireResult> {
  await resetRuns(ds);
  const past = new Date(Date.now() - 1_000);
  await new MySqlJobStore(ds, clock).addJobs(
    Array.from({ length: n }, (_, i) => oneShot(`${tag}-${i}`, past)),
  );
  const { store, counts } = countTransactions(new MySqlJobStore(ds, clock));
  const scheduler = createScheduler(store, options);
  const t = performance.now();
  await scheduler.start();
  await waitForRuns(counts, n, 600_000);
  const ms = performance.now() - t;
  await scheduler.shutdown({ wait: true });
  const outboxRows = await count(ds, 'SELECT COUNT(*) AS n FROM scheduler_outbox');
  return {
    firesPerSec: rate(n, ms),
    outboxRows,
    txPerFire: (counts.claims + counts.emptyClaims + counts.completions) / n,
    claims: counts.claims,
    completions: counts.completions,
    lockRetries: store.stats.lockRetries,
  };
}

/** The same straight through the store (no Scheduler): the store's own ceiling. */
export async function storeFireRate(
  ds: DataSource,
  n: number,
  options: BenchOptions,
  tag: string,
): Promise<number> {
  await resetRuns(ds);
  const past = new Date(Date.now() - 1_000);
  const store = new MySqlJobStore(ds, clock);
  await store.addJobs(Array.from({ length: n }, (_, i) => oneShot(`${tag}-${i}`, past)));
  const t = performance.now();
  const result = await drainDue(store, {
    owner: 'bench',
    now: new Date(),
    batch: options.batch,
    leaseMs: 30_000,
    eventsPerRun: 2,
  });
  const ms = performance.now() - t;
  if (result.runs !== n) throw new Error(`store fired ${result.runs} of ${n}`);
  return rate(n, ms);
}

export interface LatenessResult {
  fires: number;
  p50: number;
  p99: number;
  max: number;
  achievedPerSec: number;
}

/** Jobs due at a steady `perSec` for `seconds`, fired by a Scheduler on the system clock. */
export async function lateness(
  ds: DataSource,
  perSec: number,
  seconds: number,
  options: BenchOptions,
): Promise<LatenessResult> {
  await resetRuns(ds);
  const n = perSec * seconds;
  const start = Date.now() + 3_000;
  await new MySqlJobStore(ds, clock).addJobs(
    Array.from({ length: n }, (_, i) =>
      oneShot(`steady-${i}`, new Date(start + Math.floor((i * 1000) / perSec))),
    ),
  );
  const { store, counts } = countTransactions(new MySqlJobStore(ds, clock));
  const scheduler = createScheduler(store, options);
  await scheduler.start();
  await waitForRuns(counts, n, seconds * 1000 + 120_000);
  await scheduler.shutdown({ wait: true });
  const rows = (await ds.query(
    'SELECT TIMESTAMPDIFF(MICROSECOND, scheduled_at, started_at) / 1000 AS late FROM scheduler_job_runs',
  )) as { late: string }[];
  const late = rows.map((r) => Number(r.late)).sort((a, b) => a - b);
  const [{ first, last }] = (await ds.query(
    'SELECT MIN(finished_at) AS first, MAX(finished_at) AS last FROM scheduler_job_runs',
  )) as { first: Date; last: Date }[];
  return {
    fires: late.length,
    p50: percentile(late, 50),
    p99: percentile(late, 99),
    max: late[late.length - 1],
    achievedPerSec: rate(late.length, new Date(last).getTime() - new Date(first).getTime()),
  };
}
