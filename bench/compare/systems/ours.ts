import 'reflect-metadata';

import type { Connection } from 'mysql2/promise';
import { DataSource } from 'typeorm';

import { dataSourceOptions, runMigrations } from '../../../src/persistence/data-source';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { SystemClock } from '../../../src/scheduler/clocks/system-clock';
import type { AddJobInput, Job } from '../../../src/scheduler/job';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { readEffects } from '../kafka';
import { type BenchTopics, dueMs, type OneShotBlock, type RunPlan } from '../plan';
import type { MeteredProcess } from '../proc-meter';
import { adminConnection, databaseUrl, recreateDatabase } from '../setup/infra';
import { Child } from './child';
import type { IngestResult, RunningSystem, SystemDriver } from './driver';
import type { OursReplicaConfig } from './replica-protocol';
import { insertFromSequence, outboxEffects } from './sql-effects';

const DATABASE = 'bench7_ours';
const clock = new SystemClock();

export interface OursOptions {
  replicas: number;
  batchSize: number;
  maxConcurrency: number;
  poolSize: number;
  zoneCache: boolean;
}

/** A DATETIME literal (UTC); FROM_UNIXTIME stops at 2038 on MariaDB 10.11. */
function sqlTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function oneShot(id: string, at: number): Job {
  const runDate = new Date(at);
  return {
    id,
    name: 'order-timeout',
    trigger: { type: 'date', runDate: runDate.toISOString() },
    action: { handler: 'orderTimeout' },
    misfireGraceTime: null,
    coalesce: true,
    maxInstances: 1,
    paused: false,
    nextRunTime: runDate,
  };
}

/** The bench7_ours database and the far-future jobs it holds (shared by ours-1 and ours-3). */
const shared: { ds: DataSource | null; pending: string | null } = { ds: null, pending: null };

/** This service: Scheduler + MySqlJobStore + outbox relay, in `replicas` forked processes. */
export class OursDriver implements SystemDriver {
  readonly name: string;

  constructor(private readonly options: OursOptions) {
    this.name = `ours-${options.replicas}`;
  }

  sharedProcesses(): MeteredProcess[] {
    return [];
  }

  private async dataSource(fresh: boolean): Promise<DataSource> {
    if (fresh) {
      if (shared.ds?.isInitialized) await shared.ds.destroy();
      shared.ds = null;
      await recreateDatabase(DATABASE);
    }
    if (!shared.ds) {
      shared.ds = new DataSource(dataSourceOptions(databaseUrl(DATABASE), { poolSize: 4 }));
      await runMigrations(shared.ds);
    }
    return shared.ds;
  }

  async loadPending(pending: OneShotBlock | null): Promise<number> {
    const key = pending ? `${pending.prefix}:${pending.count}:${pending.startMs}` : '';
    const t = Date.now();
    if (shared.pending === key && shared.ds) {
      for (const table of ['scheduler_job_runs', 'scheduler_outbox'])
        await shared.ds.query(`TRUNCATE TABLE ${table}`);
      if (!pending) await shared.ds.query('TRUNCATE TABLE scheduler_jobs');
      return (Date.now() - t) / 1000;
    }
    shared.pending = null;
    await this.dataSource(true);
    if (pending) {
      const c = await adminConnection(DATABASE);
      try {
        await insertFromSequence(
          c,
          pending.count,
          (from, to) =>
            'INSERT INTO scheduler_jobs (id, name, `trigger`, action, paused, next_run_time, created_at, updated_at) ' +
            `SELECT CONCAT('${pending.prefix}', seq), 'order-timeout', ` +
            `'{"type":"date","runDate":"2099-01-01T00:00:00.000Z"}', '{"handler":"orderTimeout"}', 0, ` +
            `'${sqlTime(pending.startMs)}' + INTERVAL seq SECOND, NOW(3), NOW(3) FROM seq_${from}_to_${to}`,
        );
        await c.query('ANALYZE TABLE scheduler_jobs');
      } finally {
        await c.end();
      }
    }
    shared.pending = key;
    return (Date.now() - t) / 1000;
  }

  async prepare(plan: RunPlan): Promise<number> {
    const t = Date.now();
    const store = new MySqlJobStore(await this.dataSource(false), clock);
    for (const block of plan.oneShot) {
      for (let i = 0; i < block.count; i += 10_000) {
        const n = Math.min(10_000, block.count - i);
        await store.addJobs(
          Array.from({ length: n }, (_, k) => oneShot(`${block.prefix}${i + k}`, dueMs(block, i + k))),
        );
      }
    }
    if (plan.recurring) {
      const r = plan.recurring;
      const jobs: Job[] = Array.from({ length: r.count }, (_, i) => ({
        ...oneShot(`${r.prefix}${i}`, r.startMs),
        trigger: {
          type: 'interval',
          seconds: r.periodS,
          startDate: new Date(r.startMs).toISOString(),
          endDate: new Date(r.endMs).toISOString(),
        },
      }));
      for (let i = 0; i < jobs.length; i += 10_000) await store.addJobs(jobs.slice(i, i + 10_000));
    }
    return (Date.now() - t) / 1000;
  }

  async start(plan: RunPlan, topics: BenchTopics): Promise<RunningSystem> {
    const children = await Promise.all(
      Array.from({ length: this.options.replicas }, (_, i) => {
        const config: OursReplicaConfig = {
          databaseUrl: databaseUrl(DATABASE),
          owner: `bench-${plan.label}-${i}`,
          batchSize: this.options.batchSize,
          maxConcurrency: this.options.maxConcurrency,
          poolSize: this.options.poolSize,
          zoneCache: this.options.zoneCache,
          relay: i === 0,
          topics,
        };
        return Child.start('ours-replica.js', `${this.name}#${i}`, config);
      }),
    );
    const ds = await this.dataSource(false);
    const sum = (read: (c: Child) => number): number => children.reduce((s, c) => s + read(c), 0);
    const connection = (): Promise<Connection> => adminConnection(DATABASE);
    return {
      processes: children.map((c) => ({ label: c.label, pid: c.pid, shared: false })),
      progress: async () => sum((c) => c.committed),
      relayed: async () => sum((c) => c.published),
      async stop() {
        const counters: Record<string, number> = {};
        for (const result of await Promise.all(children.map((c) => c.stop()))) {
          for (const [k, v] of Object.entries(result)) counters[k] = (counters[k] ?? 0) + v;
        }
        return counters;
      },
      async effects() {
        const c = await connection();
        try {
          return await outboxEffects(c, 'scheduler_outbox', topics.cancel);
        } finally {
          await c.end();
        }
      },
      kafkaEffects: () => readEffects(topics.cancel, plan.expected, 120_000),
      async doubledRuns() {
        const rows = (await ds.query(
          'SELECT COUNT(*) - COUNT(DISTINCT job_id, scheduled_at) AS n FROM scheduler_job_runs',
        )) as { n: string }[];
        return Number(rows[0]?.n ?? 0);
      },
      async cleanup() {
        for (const block of [...plan.oneShot, ...(plan.recurring ? [plan.recurring] : [])]) {
          await ds.query('DELETE FROM scheduler_jobs WHERE id LIKE ?', [`${block.prefix}%`]);
        }
      },
    };
  }

  async ingest(jobs: number, seconds: number): Promise<IngestResult[]> {
    await this.loadPending(null);
    const scheduler = new Scheduler({ store: new MySqlJobStore(await this.dataSource(false), clock) });
    scheduler.registerHandler('orderTimeout', () => {});
    const input = (i: number, prefix: string): AddJobInput => ({
      id: `${prefix}${i}`,
      name: 'order-timeout',
      trigger: { type: 'date', runDate: new Date(Date.UTC(2098, 0, 1) + i).toISOString() },
      action: { handler: 'orderTimeout' },
    });
    const results: IngestResult[] = [];
    const measure = async (api: string, step: number, add: (from: number, n: number) => Promise<unknown>) => {
      const t = performance.now();
      const deadline = t + seconds * 1000;
      let n = 0;
      while (n < jobs && performance.now() < deadline) {
        const k = Math.min(step, jobs - n);
        await add(n, k);
        n += k;
      }
      const s = (performance.now() - t) / 1000;
      results.push({ api, jobs: n, seconds: s, jobsPerSec: n / s });
    };
    await measure('Scheduler.addJobs (1,000 per call)', 1000, (from, n) =>
      scheduler.addJobs(Array.from({ length: n }, (_, k) => input(from + k, 'ingest-bulk-'))),
    );
    await measure('Scheduler.addJob (64 calls in flight)', 64, (from, n) =>
      Promise.all(Array.from({ length: n }, (_, k) => scheduler.addJob(input(from + k, 'ingest-one-')))),
    );
    await this.loadPending(null);
    return results;
  }

  async close(): Promise<void> {
    if (shared.ds?.isInitialized) await shared.ds.destroy();
    shared.ds = null;
    shared.pending = null;
  }
}
