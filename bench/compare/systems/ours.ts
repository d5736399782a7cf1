import 'reflect-metadata';

import type { Connection } from 'mysql2/promise';
import { DataSource } from 'typeorm';

import { dataSourceOptions, runMigrations } from '../../../src/persistence/data-source';
import { JOB_INSERT_COLUMNS } from '../../../src/persistence/job-row';
import { createTopics, deleteTopics, OffsetWatch, readEffects } from '../kafka';
import { type BenchTopics, type OneShotBlock, type RunPlan } from '../plan';
import type { IngestApi } from '../flags';
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
  /** `--ingest-apis`: which of the library, `POST /v1/jobs` and Kafka the ingest workload measures. */
  ingestApis: readonly IngestApi[];
}

/** A DATETIME literal (UTC); FROM_UNIXTIME stops at 2038 on MariaDB 10.11. */
function sqlTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The database of runs without a backlog, and one per backlog size (`bench7_ours_p<N>`): loading
 * 5M takes minutes, so that one is kept between runs (and between bench runs with --keep-backlog).
 */
export function oursDatabase(pending: OneShotBlock | null): string {
  return pending ? `${OURS_DATABASE}_p${pending.count}` : OURS_DATABASE;
}

/** The current database and the far-future jobs it holds (shared by ours-1 and ours-3). */
const shared: { db: string; ds: DataSource | null; pending: string | null } = {
  db: OURS_DATABASE,
  ds: null,
  pending: null,
};

/** Tables a run leaves rows in (everything but the jobs, which hold the backlog, the migrations and the marker). */
async function runTables(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
  )) as { t: string }[];
  return rows.map((r) => r.t).filter((t) => !['scheduler_jobs', 'migrations', 'bench_backlog'].includes(t));
}

/** The backlog a database was loaded with (bench_backlog, written once the load finished), or null. */
async function loadedBacklog(db: string): Promise<string | null> {
  const c = await adminConnection();
  try {
    const [rows] = await c.query(`SELECT k FROM \`${db}\`.bench_backlog`);
    return (rows as { k: string }[])[0]?.k ?? null;
  } catch {
    return null; // no such database or table
  } finally {
    await c.end();
  }
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
    if (fresh) await recreateDatabase(shared.db);
    if (!shared.ds) {
      shared.ds = new DataSource(dataSourceOptions(databaseUrl(shared.db), { poolSize: 4 }));
      await runMigrations(shared.ds);
    }
    return shared.ds;
  }

  private async switchTo(db: string): Promise<void> {
    if (shared.db === db && shared.ds) return;
    if (shared.ds?.isInitialized) await shared.ds.destroy();
    shared.ds = null;
    shared.pending = null;
    shared.db = db;
  }

  private async clearRun(ds: DataSource, pending: boolean): Promise<void> {
    for (const table of await runTables(ds)) await ds.query(`TRUNCATE TABLE \`${table}\``);
    if (!pending) await ds.query('TRUNCATE TABLE scheduler_jobs');
    // Measured jobs a cut-off run left (a primary-key range, not a scan of the backlog).
    else await ds.query("DELETE FROM scheduler_jobs WHERE id LIKE 'order-timeout:backlog-%'");
  }

  async loadPending(pending: OneShotBlock | null): Promise<number> {
    const key = pending ? `${pending.prefix}:${pending.count}:${pending.startMs}` : '';
    const t = Date.now();
    await this.switchTo(oursDatabase(pending));
    if (shared.pending === null && pending && (await loadedBacklog(shared.db)) === key) shared.pending = key;
    if (shared.pending === key) {
      await this.clearRun(await this.dataSource(false), pending !== null);
      return (Date.now() - t) / 1000;
    }
    if (shared.ds?.isInitialized) await shared.ds.destroy();
    shared.ds = null;
    await this.dataSource(true);
    if (pending) {
      // Ballast, written server side (5M through Kafka would take longer than the whole run): rows
      // exactly as the service stores an order timeout (job-row.ts), due in 2099, one a second.
      const c = await adminConnection(shared.db);
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
        await c.query('CREATE TABLE bench_backlog (k VARCHAR(255) NOT NULL)');
        await c.query('INSERT INTO bench_backlog VALUES (?)', [key]);
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
        database: shared.db,
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
    const db = shared.db;
    const connection = (): Promise<Connection> => adminConnection(db);
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
        await this.clearRun(ds, plan.pending !== null);
        await deleteTopics(extraTopics).catch(() => {});
        this.replicas = [];
        this.topics = null;
      },
    };
  }

  async ingest(
    jobs: number,
    seconds: number,
    runId: string,
    infra: MeteredProcess[],
  ): Promise<IngestResult[]> {
    const apis = this.options.ingestApis;
    const results: IngestResult[] = [];
    await this.loadPending(null);
    if (apis.includes('library')) {
      results.push(...(await ingestThroughLibrary(await this.dataSource(false), jobs, seconds)));
      await this.loadPending(null);
    }
    if (apis.includes('api')) {
      results.push(await ingestThroughApi(jobs, seconds, runId, this.options.extraEnv, infra));
      await this.loadPending(null);
    }
    if (apis.includes('kafka')) {
      results.push(await ingestThroughKafka(jobs, seconds, runId, this.options.extraEnv, infra));
      await this.loadPending(null);
    }
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.stop(5000)));
    await this.switchTo(OURS_DATABASE);
  }
}
