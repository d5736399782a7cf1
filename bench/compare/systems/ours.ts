import 'reflect-metadata';

import type { Connection } from 'mysql2/promise';
import { DataSource } from 'typeorm';

import { dataSourceOptions, runMigrations } from '../../../src/persistence/data-source';
import { JOB_INSERT_COLUMNS } from '../../../src/persistence/job-row';
import { createTopics, deleteTopics, OffsetWatch, readEffects } from '../kafka';
import { type BenchTopics, type OneShotBlock, type RunPlan } from '../plan';
import type { MeteredProcess } from '../proc-meter';
import { adminConnection, databaseUrl, recreateDatabase } from '../setup/infra';
import type { IngestResult, RunningSystem, SystemDriver } from './driver';
import { ingestThroughApi, ingestThroughKafka, ingestThroughLibrary } from './ours-ingest';
import { postJobs, produceOrders, recurringJob, waitForOrders } from './ours-inputs';
import { ServiceProcess, serviceTopics, type ServiceTopics } from './service';
import { outboxEffects, insertFromSequence } from './sql-effects';

export const OURS_DATABASE = 'bench7_ours';

export interface OursOptions {
  replicas: number;
  /** `--ours-env KEY=VALUE`: passed to every replica after the bench's own settings. */
  extraEnv: Record<string, string>;
}

/** A DATETIME literal (UTC); FROM_UNIXTIME stops at 2038 on MariaDB 10.11. */
function sqlTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** The database and the far-future jobs it holds (shared by ours-1 and ours-3: loading 5M takes minutes). */
const shared: { ds: DataSource | null; pending: string | null } = { ds: null, pending: null };

/** Tables a run leaves rows in (everything but the jobs, which hold the backlog, and the migrations). */
async function runTables(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'",
    [OURS_DATABASE],
  )) as { t: string }[];
  return rows.map((r) => r.t).filter((t) => t !== 'scheduler_jobs' && t !== 'migrations');
}

/**
 * This service as shipped: `replicas` processes of `node dist/src/app/main.js` sharing one
 * database, configured through their environment only, fed through their real inputs
 * (`orders.created` on Kafka for order timeouts; `POST /v1/jobs` for the recurring jobs). The effect
 * a user sees is the cancel acked on Kafka (measured there); the outbox commit is reported next to it.
 */
export class OursDriver implements SystemDriver {
  readonly name: string;
  private replicas: ServiceProcess[] = [];
  private topics: ServiceTopics | null = null;

  constructor(private readonly options: OursOptions) {
    this.name = `ours-${options.replicas}`;
  }

  sharedProcesses(): MeteredProcess[] {
    return [];
  }

  /** The bench's handle on the database (the service migrates it too; this only reads and cleans up). */
  private async dataSource(fresh: boolean): Promise<DataSource> {
    if (fresh) {
      if (shared.ds?.isInitialized) await shared.ds.destroy();
      shared.ds = null;
      await recreateDatabase(OURS_DATABASE);
    }
    if (!shared.ds) {
      shared.ds = new DataSource(dataSourceOptions(databaseUrl(OURS_DATABASE), { poolSize: 4 }));
      await runMigrations(shared.ds);
    }
    return shared.ds;
  }

  async loadPending(pending: OneShotBlock | null): Promise<number> {
    const key = pending ? `${pending.prefix}:${pending.count}:${pending.startMs}` : '';
    const t = Date.now();
    if (shared.pending === key && shared.ds) {
      for (const table of await runTables(shared.ds)) await shared.ds.query(`TRUNCATE TABLE \`${table}\``);
      if (!pending) await shared.ds.query('TRUNCATE TABLE scheduler_jobs');
      return (Date.now() - t) / 1000;
    }
    shared.pending = null;
    await this.dataSource(true);
    if (pending) {
      // Ballast, written server side (5M through Kafka would take longer than the whole run): rows
      // exactly as the service stores an order timeout (job-row.ts), due in 2099, one a second.
      const c = await adminConnection(OURS_DATABASE);
      const order = `CONCAT('${pending.prefix}', seq)`;
      const due = `'${sqlTime(pending.startMs)}' + INTERVAL seq SECOND`;
      try {
        await insertFromSequence(
          c,
          pending.count,
          (from, to) =>
            `INSERT INTO scheduler_jobs ${JOB_INSERT_COLUMNS} ` +
            `SELECT CONCAT('order-timeout:', ${order}), 'orders.timeout', ` +
            `CONCAT('{"type":"date","runDate":"', DATE_FORMAT(${due}, '%Y-%m-%dT%H:%i:%s.000Z'), '"}'), ` +
            `CONCAT('{"handler":"orders.timeout","args":{"orderId":"', ${order}, '","items":[{"skuId":"sku-1","quantity":1}]}}'), ` +
            `NULL, 1, 1, 0, ${due}, 1, NULL, NULL, NOW(3), NOW(3) FROM seq_${from}_to_${to}`,
        );
        await c.query('ANALYZE TABLE scheduler_jobs');
      } finally {
        await c.end();
      }
    }
    shared.pending = key;
    return (Date.now() - t) / 1000;
  }

  /** Starts the replicas on the run's topics (before the plan's due times are chosen). */
  async boot(topics: BenchTopics, label: string, runId: string): Promise<number> {
    const t = Date.now();
    await this.dataSource(false);
    const base = `bench7.${runId}.${this.name}.${label}`;
    this.topics = serviceTopics(base, topics.cancel, topics.restock);
    const inputs = Object.values(this.topics).filter((x) => x !== topics.cancel && x !== topics.restock);
    await createTopics(inputs, 6);
    this.replicas = Array.from({ length: this.options.replicas }, (_, i) =>
      ServiceProcess.spawn(`${this.name}#${i}`, i, {
        database: OURS_DATABASE,
        topics: this.topics as ServiceTopics,
        groupId: `${base}.group`,
        extraEnv: this.options.extraEnv,
      }),
    );
    try {
      await Promise.all(this.replicas.map((r) => r.ready()));
    } catch (error) {
      await Promise.all(this.replicas.map((r) => r.stop(5000)));
      throw error;
    }
    return (Date.now() - t) / 1000;
  }

  /** Order timeouts through `orders.created`; recurring jobs through `POST /v1/jobs`. */
  async prepare(plan: RunPlan, topics: BenchTopics): Promise<number> {
    if (!this.topics) throw new Error('boot() first');
    const t = Date.now();
    for (const block of plan.oneShot) await produceOrders(this.topics.TOPIC_ORDERS_CREATED, block);
    const orders = plan.oneShot.reduce((s, b) => s + b.count, 0);
    if (orders > 0) await waitForOrders(await this.dataSource(false), orders, 600_000);
    const r = plan.recurring;
    if (r) await postJobs(this.replicas, r.count, (i) => recurringJob(r, i, topics.cancel));
    return (Date.now() - t) / 1000;
  }

  async start(plan: RunPlan, topics: BenchTopics): Promise<RunningSystem> {
    const replicas = this.replicas;
    const extraTopics = Object.values(this.topics ?? {}).filter(
      (x) => x !== topics.cancel && x !== topics.restock,
    );
    const ds = await this.dataSource(false);
    const acked = new OffsetWatch(topics.cancel);
    const connection = (): Promise<Connection> => adminConnection(OURS_DATABASE);
    return {
      processes: replicas.map((r) => ({ label: r.label, pid: r.pid, shared: false })),
      // Cancels acked by Kafka (the relay publishes with acks=all through the idempotent producer).
      progress: () => acked.count(),
      async stop() {
        await acked.close();
        const counters: Record<string, number> = {};
        for (const result of await Promise.all(replicas.map((r) => r.stop()))) {
          for (const [k, v] of Object.entries(result)) counters[k] = (counters[k] ?? 0) + v;
        }
        return counters;
      },
      effects: () => readEffects(topics.cancel, plan.expected, 120_000),
      async outboxEffects() {
        const c = await connection();
        try {
          return await outboxEffects(c, 'scheduler_outbox', topics.cancel);
        } finally {
          await c.end();
        }
      },
      async doubledRuns() {
        const rows = (await ds.query(
          'SELECT COUNT(*) - COUNT(DISTINCT job_id, scheduled_at) AS n FROM scheduler_job_runs',
        )) as { n: string }[];
        return Number(rows[0]?.n ?? 0);
      },
      cleanup: async () => {
        for (const block of plan.oneShot)
          await ds.query('DELETE FROM scheduler_jobs WHERE id LIKE ?', [`order-timeout:${block.prefix}%`]);
        if (plan.recurring)
          await ds.query('DELETE FROM scheduler_jobs WHERE id LIKE ?', [`${plan.recurring.prefix}%`]);
        for (const table of await runTables(ds)) await ds.query(`TRUNCATE TABLE \`${table}\``);
        await deleteTopics(extraTopics).catch(() => {});
        this.replicas = [];
        this.topics = null;
      },
    };
  }

  async ingest(jobs: number, seconds: number, runId: string): Promise<IngestResult[]> {
    await this.loadPending(null);
    const ds = await this.dataSource(false);
    const results = await ingestThroughLibrary(ds, jobs, seconds);
    await this.loadPending(null);
    const api = await ingestThroughApi(jobs, seconds, runId, this.options.extraEnv);
    if (api) results.push(api);
    await this.loadPending(null);
    const kafka = await ingestThroughKafka(jobs, seconds, runId, this.options.extraEnv);
    if (kafka) results.push(kafka);
    await this.loadPending(null);
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.stop(5000)));
    if (shared.ds?.isInitialized) await shared.ds.destroy();
    shared.ds = null;
    shared.pending = null;
  }
}
