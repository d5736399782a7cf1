import { DropJobsRunning1765347000000 } from '../../../migrations/1765347000000-DropJobsRunning';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { at, makeJob } from '../../contract/job-store.contract';
import { openStoreDatabase, runMigration, type StoreDatabase } from './store-database';

// scheduler_jobs.running is gone; the store never needed it, so it works with the column there
// (a database not yet migrated, or migrated back with `down`) and without it.

let database: StoreDatabase;
let store: MySqlJobStore;
const migration = new DropJobsRunning1765347000000();

async function columns(): Promise<string[]> {
  const rows = (await database.admin.query(
    `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'scheduler_jobs'`,
  )) as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

const migrate = (direction: 'up' | 'down'): Promise<void> => runMigration(database, migration, direction);

/** Claim, complete and release through the store: every statement that used to write `running`. */
async function cycle(id: string): Promise<void> {
  await store.addJob(makeJob(id, 5));
  const [claimed] = await store.acquireDueJobs({ owner: 'r1', now: at(5), limit: 1, leaseUntil: at(65) });
  expect(claimed?.id).toBe(id);
  const result = await store.completeRuns('r1', [
    {
      jobId: id,
      version: claimed!.version,
      runs: [{ scheduledAt: at(5), startedAt: at(5), finishedAt: at(6), outcome: 'success', error: null }],
      events: [],
      nextRunTime: at(15),
    },
  ]);
  expect(result.leaseLost).toEqual([]);
  expect(await store.acquireJob({ jobId: id, owner: 'r1', now: at(7), leaseUntil: at(67) })).not.toBeNull();
  await store.releaseJobs('r1', [id]);
  expect((await store.getJob(id))?.nextRunTime).toEqual(at(15));
  const [row] = (await database.admin.query('SELECT lease_owner FROM scheduler_jobs WHERE id = ?', [
    id,
  ])) as Array<{
    lease_owner: string | null;
  }>;
  expect(row?.lease_owner).toBeNull();
}

beforeAll(async () => {
  database = await openStoreDatabase('drop_jobs_running');
  store = new MySqlJobStore(database.admin, new FakeClock());
  await store.start();
});

afterAll(async () => {
  await store?.stop();
  await database?.close();
});

it('the migrated schema has no running column, and the store claims, completes and releases', async () => {
  expect(await columns()).not.toContain('running');
  expect(await columns()).toContain('lease_owner');
  await cycle('after-up');
});

it('down restores the column as it was (old code can write it again); up drops it again, twice is a no-op', async () => {
  await migrate('down');
  await migrate('down');
  expect(await columns()).toContain('running');
  const [info] = (await database.admin.query(
    `SELECT COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'scheduler_jobs' AND COLUMN_NAME = 'running'`,
  )) as Array<{ type: string; nullable: string; def: string }>;
  // MariaDB says int(10) unsigned, MySQL 8 int unsigned.
  expect(info).toEqual({ type: expect.stringMatching(/^int(\(10\))? unsigned$/), nullable: 'NO', def: '0' });
  // What the previous version runs on a claim still works on the restored column.
  await store.addJob(makeJob('old-code', 5));
  await database.admin.query(
    "UPDATE scheduler_jobs SET lease_owner = 'old', running = 1 WHERE id = 'old-code'",
  );
  // ... and this version's statements work with the column present (before the migration ran).
  await cycle('before-up');

  await migrate('up');
  await migrate('up');
  expect(await columns()).not.toContain('running');
});
