import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type { BenchTopics, OneShotBlock, RunPlan } from '../plan';
import type { MeteredProcess } from '../proc-meter';
import { adminConnection, mysqlServer, recreateDatabase, repoRoot } from '../setup/infra';
import type { IngestResult, RunningSystem, SystemDriver } from './driver';
import { outboxEffects } from './sql-effects';

const DATABASE = 'bench7_aps';
const SCRIPTS = (): string => path.join(repoRoot(), 'bench', 'apscheduler');

interface PythonProcess {
  proc: ChildProcess;
  /** Resolves with the rest of the first line starting with `word`. */
  line(word: string): Promise<string>;
}

function runPython(python: string, script: string, spec: object): PythonProcess {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench7-aps-'));
  const file = path.join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  const proc = spawn(python, [path.join(SCRIPTS(), script), file], {
    cwd: SCRIPTS(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: proc.stdout! });
  const waiting = new Map<string, (rest: string) => void>();
  const seen = new Map<string, string>();
  lines.on('line', (text) => {
    const [word, ...rest] = text.split(' ');
    const value = rest.join(' ');
    const resolve = waiting.get(word);
    if (resolve) resolve(value);
    else seen.set(word, value);
  });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) =>
    proc.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${stderr.slice(-1500)}`))),
  );
  exited.catch(() => {});
  return {
    proc,
    line: (word) =>
      seen.has(word)
        ? Promise.resolve(seen.get(word)!)
        : Promise.race([new Promise<string>((resolve) => waiting.set(word, resolve)), exited]),
  };
}

/** APScheduler 3.11: BackgroundScheduler + SQLAlchemyJobStore (own database) + ThreadPoolExecutor. */
export class ApsDriver implements SystemDriver {
  readonly name = 'apscheduler';
  private pending: string | null = null;

  constructor(
    private readonly python: string,
    private readonly threads: number,
  ) {}

  sharedProcesses(): MeteredProcess[] {
    return [];
  }

  private spec(extra: object): object {
    return {
      db: { ...mysqlServer(), database: DATABASE },
      threads: this.threads,
      misfireGraceTime: null,
      ...extra,
    };
  }

  async loadPending(pending: OneShotBlock | null): Promise<number> {
    const key = pending ? `${pending.prefix}:${pending.count}:${pending.startMs}` : '';
    const t = Date.now();
    if (this.pending === key) {
      const c = await adminConnection(DATABASE);
      await c.query('TRUNCATE TABLE scheduler_outbox');
      if (!pending) await c.query('TRUNCATE TABLE apscheduler_jobs');
      await c.end();
      return (Date.now() - t) / 1000;
    }
    await recreateDatabase(DATABASE);
    const load = runPython(this.python, 'aps_load.py', this.spec({ pending, oneShot: [], recurring: null }));
    await load.line('LOADED');
    this.pending = key;
    return (Date.now() - t) / 1000;
  }

  async prepare(plan: RunPlan, topics: BenchTopics): Promise<number> {
    const t = Date.now();
    const load = runPython(
      this.python,
      'aps_load.py',
      this.spec({ topics, pending: null, oneShot: plan.oneShot, recurring: plan.recurring }),
    );
    await load.line('LOADED');
    return (Date.now() - t) / 1000;
  }

  async start(plan: RunPlan, topics: BenchTopics): Promise<RunningSystem> {
    const run = runPython(this.python, 'aps_run.py', this.spec({ topics }));
    await run.line('READY');
    const c = await adminConnection(DATABASE);
    return {
      processes: [{ label: 'apscheduler', pid: run.proc.pid ?? 0, shared: false }],
      // Autocommitted inserts of two rows each, never rolled back: MAX(id) / 2 counts fires cheaply.
      async progress() {
        const [rows] = await c.query('SELECT COALESCE(MAX(id), 0) AS n FROM scheduler_outbox');
        return Math.floor(Number((rows as { n: string }[])[0].n) / 2);
      },
      async stop() {
        run.proc.stdin!.write('stop\n');
        const counts = await Promise.race([
          run.line('COUNTS'),
          new Promise<string>((resolve) => setTimeout(() => resolve('{"killed":1}'), 30_000)),
        ]);
        run.proc.kill('SIGKILL');
        return JSON.parse(counts) as Record<string, number>;
      },
      effects: () => outboxEffects(c, 'scheduler_outbox', topics.cancel),
      async doubledRuns() {
        const [rows] = await c.query(
          'SELECT COUNT(*) - COUNT(DISTINCT event_id) AS n FROM scheduler_outbox WHERE topic = ?',
          [topics.cancel],
        );
        return Number((rows as { n: string }[])[0].n);
      },
      cleanup: async () => {
        for (const block of [...plan.oneShot, ...(plan.recurring ? [plan.recurring] : [])]) {
          await c.query('DELETE FROM apscheduler_jobs WHERE id LIKE ?', [`${block.prefix}%`]);
        }
        await c.end();
      },
    };
  }

  async ingest(jobs: number, seconds: number): Promise<IngestResult[]> {
    await this.loadPending(null);
    const run = runPython(
      this.python,
      'aps_ingest.py',
      this.spec({ ingest: { count: jobs, seconds, prefix: 'ingest-', startMs: Date.UTC(2098, 0, 1) } }),
    );
    const result = JSON.parse(await run.line('RESULT')) as { jobs: number; seconds: number };
    this.pending = null;
    return [
      {
        api: 'scheduler.add_job (one per call)',
        jobs: result.jobs,
        seconds: result.seconds,
        jobsPerSec: result.jobs / result.seconds,
      },
    ];
  }

  async close(): Promise<void> {}
}
