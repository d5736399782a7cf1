import { insertJob } from '../../../src/persistence/job-write-sql';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { makeJob } from '../../contract/job-store.contract';
import { eventually } from '../../support/eventually';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// The duplicate-id race in bulk adds, made to happen on MariaDB: another writer inserts an id
// after our existence check and before our INSERT. mysql2 reports found rows by default
// (CLIENT_FOUND_ROWS), so no decision may rest on an upsert's affected-row count; the store must
// learn of the clash from the duplicate key: at the INSERT of all ids, by sorting them then; at
// the INSERT that follows that read, by running the unit of work again.

jest.setTimeout(60_000);

let database: StoreDatabase;

beforeAll(async () => {
  database = await openStoreDatabase('add_jobs_race');
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await database.truncate();
});

/** Another writer holding an uncommitted insert of `id` (invisible to READ COMMITTED reads). */
async function uncommittedInsert(id: string) {
  const runner = database.admin.createQueryRunner('master');
  await runner.connect();
  await runner.startTransaction();
  await insertJob(runner, makeJob(id, 100, { name: 'theirs' }), new Date());
  return runner;
}

/** Our INSERT is waiting on the other writer's row lock: the race window is open. */
async function waitingOnLock(): Promise<void> {
  await eventually('our INSERT waits on the other writer', async () => {
    const rows = (await database.admin.query(
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO scheduler_jobs%' " +
        "AND STATE LIKE '%update%' AND DB = DATABASE()",
    )) as { n: string }[];
    return Number(rows[0].n) > 0 ? true : undefined;
  });
}

it('with mysql2 defaults an upsert on a taken id reports 1 affected row (found, not changed)', async () => {
  await database.admin.query(
    "INSERT INTO scheduler_outbox (event_id, topic, value, headers, created_at) VALUES ('e', 't', '1', '{}', NOW(3))",
  );
  const result = (await database.admin.query(
    "INSERT INTO scheduler_outbox (event_id, topic, value, headers, created_at) VALUES ('e', 't', '1', '{}', NOW(3)) " +
      'ON DUPLICATE KEY UPDATE event_id = event_id',
  )) as { affectedRows: number };
  expect(result.affectedRows).toBe(1);
});

it('addJobs: an id committed by another writer between check and insert is reported as a duplicate', async () => {
  const store = new MySqlJobStore(database.admin, new FakeClock());
  const theirs = await uncommittedInsert('race-1');
  try {
    const adding = store.addJobs([makeJob('race-1', 5), makeJob('race-2', 6)]);
    await waitingOnLock();
    await theirs.commitTransaction();
    expect(await adding).toEqual({ added: ['race-2'], duplicates: ['race-1'] });
  } finally {
    await theirs.release();
  }
  expect((await store.getJob('race-1'))?.name).toBe('theirs');
  expect((await store.getJob('race-2'))?.name).toBe('job race-2');
  const [{ n }] = (await database.admin.query('SELECT COUNT(*) AS n FROM scheduler_jobs')) as { n: string }[];
  expect(Number(n)).toBe(2);
});

it('a unit of work whose ids are all new waits for the other writer and, once it commits, reports the id taken', async () => {
  const store = new MySqlJobStore(database.admin, new FakeClock());
  const theirs = await uncommittedInsert('new-1');
  let attempts = 0;
  try {
    const working = store.transaction(async (tx) => {
      attempts++;
      await tx.appendEvents([
        { eventId: `ev-${attempts}`, topic: 't', key: null, value: attempts, headers: {} },
      ]);
      return tx.addJobs([makeJob('new-1', 5), makeJob('new-2', 6)]);
    });
    await waitingOnLock();
    await theirs.commitTransaction();
    expect(await working).toEqual({ added: ['new-2'], replaced: [], duplicates: ['new-1'] });
  } finally {
    await theirs.release();
  }
  // The INSERT of all ids failed alone (InnoDB rolls back the statement): no second attempt.
  expect(attempts).toBe(1);
  expect((await store.fetchUnsent(10)).map((e) => e.eventId)).toEqual(['ev-1']);
  expect((await store.getJob('new-1'))?.name).toBe('theirs');
  expect((await store.getJob('new-2'))?.name).toBe('job new-2');
});

it('a unit of work that loses the race after reading the ids is run again from the start and sees the winner', async () => {
  const store = new MySqlJobStore(database.admin, new FakeClock());
  // A committed id makes the unit of work read which ids are taken; the other writer's
  // uncommitted one is invisible to that read and fails the INSERT that follows it.
  await insertJob(database.admin, makeJob('uow-0', 100, { name: 'committed' }), new Date());
  const theirs = await uncommittedInsert('uow-1');
  let attempts = 0;
  try {
    const working = store.transaction(async (tx) => {
      attempts++;
      await tx.appendEvents([
        { eventId: `ev-${attempts}`, topic: 't', key: null, value: attempts, headers: {} },
      ]);
      return tx.addJobs([makeJob('uow-0', 5), makeJob('uow-1', 5)]);
    });
    await waitingOnLock();
    await theirs.commitTransaction();
    expect(await working).toEqual({ added: [], replaced: [], duplicates: ['uow-0', 'uow-1'] });
  } finally {
    await theirs.release();
  }
  expect(attempts).toBe(2);
  // Only the second attempt's writes committed.
  expect((await store.fetchUnsent(10)).map((e) => e.eventId)).toEqual(['ev-2']);
});

it('when the other writer rolls back, our insert goes through', async () => {
  const store = new MySqlJobStore(database.admin, new FakeClock());
  const theirs = await uncommittedInsert('rb-1');
  try {
    const adding = store.addJobs([makeJob('rb-1', 5)]);
    await waitingOnLock();
    await theirs.rollbackTransaction();
    expect(await adding).toEqual({ added: ['rb-1'], duplicates: [] });
  } finally {
    await theirs.release();
  }
  expect((await store.getJob('rb-1'))?.name).toBe('job rb-1');
});
