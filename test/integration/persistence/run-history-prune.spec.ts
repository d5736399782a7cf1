import type { QueryRunner } from 'typeorm';

import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { pruneRunRows } from '../../../src/persistence/run-history';
import { FakeClock } from '../../../src/scheduler';
import { seqSelect } from '../../../bench/store/seq-sql';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// Retention of run history on MariaDB: a batch must cost about what it deletes, not the size of
// the table (a pass of B batches that read the whole table each time reads B times the table).
// Counted on the rows the server reads (Handler_read_* counters of the session), with tens of
// thousands of runs: removed one-shot jobs' runs (old: deleted), live jobs' runs within their
// keep-last (old: spared), and recent runs (kept).

const NOW = new Date('2030-02-01T00:00:00.000Z');
const CUTOFF = new Date('2030-01-20T00:00:00.000Z');
const GONE = 20_000;
const LIVE_JOBS = 200;
const LIVE_RUNS = 30;
const RECENT = 20_000;
const KEEP_LAST = 50;
const BATCH = 500;

let database: StoreDatabase;

async function insertRuns(jobExpr: string, at: string, count: number): Promise<void> {
  await database.admin.query(`
    INSERT INTO scheduler_job_runs (job_id, scheduled_at, started_at, finished_at, outcome, error, owner)
    SELECT ${jobExpr}, ${at}, NULL, NULL, 'success', NULL, 'r1' FROM ${seqSelect(0, count)} AS seq ORDER BY n`);
}

async function count(where = '1 = 1'): Promise<number> {
  const [{ n }] = (await database.admin.query(
    `SELECT COUNT(*) AS n FROM scheduler_job_runs WHERE ${where}`,
  )) as {
    n: string;
  }[];
  return Number(n);
}

async function handlerReads(runner: QueryRunner): Promise<number> {
  const status = (await runner.query("SHOW SESSION STATUS LIKE 'Handler_read%'")) as { Value: string }[];
  return status.reduce((sum, s) => sum + Number(s.Value), 0);
}

beforeAll(async () => {
  database = await openStoreDatabase('run_prune');
  await database.admin.query(`
    INSERT INTO scheduler_jobs (id, name, \`trigger\`, action, paused, next_run_time, created_at, updated_at)
    SELECT CONCAT('live-', n), 'j', '{"type":"interval","days":1}', '{"handler":"noop"}', 0, '2030-03-01', '2030-01-01', '2030-01-01'
    FROM ${seqSelect(0, LIVE_JOBS)} AS seq`);
  // Oldest first, interleaved as in life: live jobs' old runs, removed jobs' runs, then recent ones.
  await insertRuns(
    `CONCAT('live-', n % ${LIVE_JOBS})`,
    `'2030-01-01' + INTERVAL n MINUTE`,
    LIVE_JOBS * LIVE_RUNS,
  );
  await insertRuns(`CONCAT('order-timeout:', n)`, `'2030-01-10' + INTERVAL n SECOND`, GONE);
  await insertRuns(`CONCAT('order-timeout:new-', n)`, `'2030-01-25' + INTERVAL n SECOND`, RECENT);
  await database.admin.query('ANALYZE TABLE scheduler_job_runs');
});

afterAll(async () => {
  await database?.close();
});

it('a pass reads each old run about once, however many batches it takes', async () => {
  const total = await count();
  const runner = database.admin.createQueryRunner();
  let reads = 0;
  let deleted = 0;
  let batches = 0;
  let after = '0';
  try {
    for (;;) {
      const before = await handlerReads(runner);
      const batch = await pruneRunRows(runner, CUTOFF, KEEP_LAST, BATCH, after);
      reads += (await handlerReads(runner)) - before;
      batches++;
      deleted += batch.deleted;
      if (batch.scanned < BATCH || batch.lastId === undefined) break;
      after = batch.lastId;
    }
  } finally {
    await runner.release();
  }
  expect(deleted).toBe(GONE);
  expect(batches).toBe(GONE / BATCH + 1);
  expect(await count()).toBe(LIVE_JOBS * LIVE_RUNS + RECENT);
  // The spared runs cost at most KEEP_LAST index entries each, once; the deleted ones a few reads
  // each; the last batch walks the recent runs once. A pass re-reading the table per batch would
  // read about `batches` times `total` (41 x 46,000 here).
  const budget = LIVE_JOBS * LIVE_RUNS * KEEP_LAST + 5 * total;
  console.info(
    `run history prune: ${batches} batches, ${deleted} deleted, ${reads} rows read of ${total} (budget ${budget})`,
  );
  expect(reads).toBeLessThan(budget);
  expect(reads).toBeLessThan(batches * total);
});

it('through the store: batches of one pass continue where the last stopped, and spare keep-last of live jobs', async () => {
  await insertRuns(`CONCAT('order-timeout:again-', n)`, `'2030-01-11' + INTERVAL n SECOND`, 3 * BATCH);
  // A live job with more than keep-last old runs: its oldest go, its newest KEEP_LAST stay.
  await insertRuns(`'live-0'`, `'2030-01-12' + INTERVAL n SECOND`, KEEP_LAST);
  const store = new MySqlJobStore(database.admin, new FakeClock(NOW));
  const deleted: number[] = [];
  for (;;) {
    const n = await store.pruneRunHistory(CUTOFF, KEEP_LAST, BATCH);
    deleted.push(n);
    if (n < BATCH) break;
  }
  expect(deleted).toEqual([BATCH, BATCH, BATCH, LIVE_RUNS]);
  expect(await count("job_id = 'live-0'")).toBe(KEEP_LAST);
  expect(await count("job_id LIKE 'live-%'")).toBe((LIVE_JOBS - 1) * LIVE_RUNS + KEEP_LAST);
  // A new pass (another cut-off) starts from the beginning again.
  const due = await count("job_id LIKE 'order-timeout:new-%' AND scheduled_at < '2030-01-26'");
  expect(due).toBe(RECENT);
  expect(await store.pruneRunHistory(new Date('2030-01-26T00:00:00.000Z'), KEEP_LAST, 100_000)).toBe(due);
});
