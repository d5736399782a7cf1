import type { DataSource } from 'typeorm';

import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import type { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import type { ActionHandler } from '../../../src/scheduler/handlers';
import type { Job } from '../../../src/scheduler/job';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { toSqlTime } from '../../../src/persistence/sql-time';

/** A no-op action that emits two events per run (the order-timeout shape: cancel + restock). */
export const emitTwo: ActionHandler = (ctx) => {
  const value = { jobId: ctx.jobId, scheduledAt: ctx.scheduledAt.toISOString() };
  ctx.emit('cancel', { topic: 'orders.cancel', key: ctx.jobId, value });
  ctx.emit('restock', { topic: 'inventory.restock', key: ctx.jobId, value });
};

export interface Replica {
  scheduler: Scheduler;
  store: MySqlJobStore;
  pool: DataSource;
}

/** One replica: its own pool, its own store instance, a Scheduler on the shared fake clock. */
export function createReplica(
  pool: DataSource,
  clock: FakeClock,
  owner: string,
  handlers: Record<string, ActionHandler> = { emitTwo },
): Replica {
  const store = new MySqlJobStore(pool, clock);
  const scheduler = new Scheduler({
    store,
    clock,
    owner,
    batchSize: 200,
    maxConcurrency: 200,
    leaseMs: 30_000,
    maxPollMs: 1_000,
    runTimeoutMs: null,
  });
  for (const [name, handler] of Object.entries(handlers)) scheduler.registerHandler(name, handler);
  return { scheduler, store, pool };
}

export function jobAt(id: string, runAt: Date, handler = 'emitTwo'): Job {
  return {
    id,
    name: id,
    trigger: { type: 'date', runDate: runAt.toISOString() },
    action: { handler },
    misfireGraceTime: null,
    coalesce: true,
    maxInstances: 1,
    paused: false,
    nextRunTime: runAt,
  };
}

export function everySecond(id: string, first: Date, handler = 'emitTwo'): Job {
  return { ...jobAt(id, first, handler), trigger: { type: 'interval', seconds: 1 } };
}

/**
 * Waits (polling the database, not sleeping a fixed time) until nothing is due at `now` and no
 * job is leased: every run due by `now` has committed. Fails loudly after `timeoutMs` of real time.
 */
export async function settled(ds: DataSource, now: Date, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = (await ds.query(
      'SELECT COUNT(*) AS n FROM scheduler_jobs WHERE (next_run_time <= ? AND paused = 0) OR lease_owner IS NOT NULL',
      [toSqlTime(now)],
    )) as { n: string }[];
    if (Number(n) === 0) return;
    if (Date.now() > deadline) throw new Error(`${n} jobs still due or leased at ${now.toISOString()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Polls `condition` until true; fails after `timeoutMs` of real time with `what`. */
export async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
