import { listRanges, segmentSql } from '../../../src/persistence/list-sql';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import type { JobListKey, JobListQuery } from '../../../src/scheduler/ports/job-store';
import { seqSelect } from '../../../bench/store/seq-sql';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// A page of GET /v1/jobs must cost about `limit` rows whatever the number of pending jobs: every
// statement listJobs issues is an index range read in index order (no filesort), checked on
// EXPLAIN with thousands of rows and fresh statistics, and on the rows the server reads.

const LIMIT = 100;
let database: StoreDatabase;

/** `count` jobs generated server side: scheduled ones 1 s apart from 2030, paused ones without a time. */
async function insertJobs(from: number, count: number, kind: 'interval' | 'date' | 'paused'): Promise<void> {
  const next = kind === 'paused' ? 'NULL' : "'2030-01-01 00:00:00' + INTERVAL n SECOND";
  const trigger =
    kind === 'date' ? '{"type":"date","runDate":"2030-01-01"}' : '{"type":"interval","seconds":1}';
  await database.admin.query(`
    INSERT INTO scheduler_jobs (id, name, \`trigger\`, action, paused, next_run_time, created_at, updated_at)
    SELECT CONCAT('${kind}-', LPAD(n, 6, '0')), CONCAT('${kind} ', n), '${trigger}', '{"handler":"noop"}',
      ${kind === 'paused' ? 1 : 0}, ${next}, '2030-01-01', '2030-01-01' FROM ${seqSelect(from, count)} AS seq`);
}

interface ExplainRow {
  type: string;
  key: string | null;
  Extra: string | null;
}

/** Every statement of one page (timed and untimed segment of each range), with the store's own SQL. */
function pageStatements(query: JobListQuery): Array<{ text: string; params: unknown[] }> {
  return listRanges(query).flatMap((range) => [
    segmentSql(range, true, query, LIMIT),
    segmentSql(range, false, query, LIMIT),
  ]);
}

async function rowsRead(text: string, params: unknown[]): Promise<number> {
  const runner = database.admin.createQueryRunner();
  const counters = async (): Promise<number> => {
    const status = (await runner.query("SHOW SESSION STATUS LIKE 'Handler_read%'")) as { Value: string }[];
    return status.reduce((sum, s) => sum + Number(s.Value), 0);
  };
  try {
    const before = await counters();
    await runner.query(text, params);
    return (await counters()) - before;
  } finally {
    await runner.release();
  }
}

const middle: JobListKey = { nextRunTime: new Date('2030-01-01T00:25:00.000Z'), id: 'interval-001500' };
const QUERIES: Array<[string, JobListQuery]> = [
  ['no filter', { limit: LIMIT }],
  ['scheduled, from a cursor', { state: 'scheduled', after: middle, limit: LIMIT }],
  ['paused', { state: 'paused', limit: LIMIT }],
  [
    'scheduled with a name prefix (a filter on the rows read)',
    { state: 'scheduled', namePrefix: 'interval ', limit: LIMIT },
  ],
  [
    'paused, from a cursor',
    { state: 'paused', after: { nextRunTime: null, id: 'paused-000200' }, limit: LIMIT },
  ],
  ['date triggers (both states, merged)', { triggerType: 'date', limit: LIMIT }],
  [
    'scheduled interval triggers from a cursor',
    { triggerType: 'interval', state: 'scheduled', after: middle, limit: LIMIT },
  ],
];

beforeAll(async () => {
  database = await openStoreDatabase('list_plan');
  await insertJobs(1, 3000, 'interval');
  await insertJobs(3001, 1000, 'date');
  await insertJobs(1, 500, 'paused');
  await database.admin.query('ANALYZE TABLE scheduler_jobs');
});

afterAll(async () => {
  await database?.close();
});

describe('job list query plan', () => {
  it.each(QUERIES)('%s: index range in index order, no filesort', async (_label, query) => {
    for (const { text, params } of pageStatements(query)) {
      const rows = (await database.admin.query(`EXPLAIN ${text}`, params)) as ExplainRow[];
      expect(rows).toHaveLength(1);
      expect(['range', 'ref']).toContain(rows[0].type);
      expect(rows[0].key).toBe(listRanges(query)[0].index);
      expect(rows[0].Extra ?? '').not.toMatch(/filesort|temporary/i);
    }
  });

  it('the scheduled list reads idx_scheduler_jobs_state as a range from the cursor', async () => {
    const [timed] = pageStatements({ state: 'scheduled', after: middle, limit: LIMIT });
    const rows = (await database.admin.query(`EXPLAIN ${timed.text}`, timed.params)) as ExplainRow[];
    expect(rows[0]).toMatchObject({ type: 'range', key: 'idx_scheduler_jobs_state' });
    expect(rows[0].Extra ?? '').not.toMatch(/filesort/i);
  });

  it('reads about LIMIT rows per statement, however many jobs there are', async () => {
    const cost = async (): Promise<number[]> => {
      const out: number[] = [];
      for (const [, query] of QUERIES)
        for (const { text, params } of pageStatements(query)) out.push(await rowsRead(text, params));
      return out;
    };
    const before = await cost();
    await insertJobs(5001, 20000, 'interval');
    await insertJobs(501, 5000, 'paused');
    await database.admin.query('ANALYZE TABLE scheduler_jobs');
    const after = await cost();
    for (const n of before) expect(n).toBeLessThanOrEqual(LIMIT + 5);
    expect(after).toEqual(before);
  });

  it('the store pages the whole scheduled list in order with these statements', async () => {
    const store = new MySqlJobStore(database.admin, new FakeClock());
    const page = await store.listJobs({ state: 'scheduled', after: middle, limit: 3 });
    expect(page.map((j) => j.id)).toEqual(['interval-001501', 'interval-001502', 'interval-001503']);
  });
});
