import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { makeJob } from '../../contract/job-store.contract';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// Ids compare byte for byte in MySQL mode: no padding (utf8mb4_bin is PAD SPACE), no case or
// accent folding. The jobs go straight into the store, past the engine's id rule, so this checks
// the columns the migrations leave, not the validation in front of them.
let database: StoreDatabase;
let store: MySqlJobStore;

beforeAll(async () => {
  database = await openStoreDatabase('byte_exact_ids');
  store = new MySqlJobStore(database.admin, new FakeClock());
  await store.start();
});

afterAll(async () => {
  await store?.stop();
  await database?.close();
});

beforeEach(async () => {
  await database.truncate();
});

const pairs: Array<[string, string, string]> = [
  ['a trailing space', 'x', 'x '],
  ['two trailing spaces', 'padx', 'padx  '],
  ['case', 'A', 'a'],
  ['an accent', 'e', 'é'],
  ['a composed and a decomposed accent', 'é', 'e\u0301'],
];

describe.each(pairs)('ids differing by %s', (_label, first, second) => {
  it('are two jobs, each found only by its own id', async () => {
    await store.addJob(makeJob(first, 5));
    await store.addJob(makeJob(second, 9));

    expect((await store.getJob(first))?.id).toBe(first);
    expect((await store.getJob(second))?.id).toBe(second);
    expect((await store.getJobs()).map((j) => j.id).sort()).toEqual([first, second].sort());
  });

  it('getJob and removeJob of one never reach the other', async () => {
    await store.addJob(makeJob(first, 5));
    expect(await store.getJob(second)).toBeNull();
    await expect(store.removeJob(second)).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect((await store.getJob(first))?.id).toBe(first);

    await database.truncate();
    await store.addJob(makeJob(second, 5));
    expect(await store.getJob(first)).toBeNull();
  });
});

it('every id column of the schema uses a NO PAD binary collation', async () => {
  const [{ v }] = (await database.admin.query('SELECT VERSION() AS v')) as Array<{ v: string }>;
  const expected = /mariadb/i.test(v) ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
  const rows = (await database.admin.query(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLLATION_NAME AS collation
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE()
        AND ((TABLE_NAME = 'scheduler_jobs' AND COLUMN_NAME = 'id')
          OR COLUMN_NAME IN ('job_id', 'order_id', 'created_event_id', 'paid_event_id')
          OR (TABLE_NAME = 'processed_commands' AND COLUMN_NAME = 'event_id'))`,
  )) as Array<{ t: string; c: string; collation: string }>;
  const names = rows.map((r) => `${r.t}.${r.c}`);
  expect(names).toEqual(
    expect.arrayContaining([
      'scheduler_jobs.id',
      'scheduler_job_runs.job_id',
      'order_states.order_id',
      'processed_commands.event_id',
      'processed_commands.job_id',
    ]),
  );
  for (const row of rows)
    expect({ column: `${row.t}.${row.c}`, collation: row.collation }).toEqual({
      column: `${row.t}.${row.c}`,
      collation: expected,
    });
});
