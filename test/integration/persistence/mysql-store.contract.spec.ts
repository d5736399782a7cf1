import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { describeGroupCommitContract } from '../../contract/group-commit.contract';
import { describeJobStoreContract } from '../../contract/job-store.contract';
import { describeUnitOfWorkContract } from '../../contract/unit-of-work.contract';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// The one contract every store passes, here against a real MariaDB/MySQL (one database for the
// file, emptied before each test).
let database: StoreDatabase;

beforeAll(async () => {
  database = await openStoreDatabase('store_contract');
});

afterAll(async () => {
  await database?.close();
});

describeJobStoreContract('MySqlJobStore', async () => {
  await database.truncate();
  const store = new MySqlJobStore(database.admin, new FakeClock());
  await store.start();
  return { store, teardown: () => store.stop() };
});

describeUnitOfWorkContract('MySqlJobStore', async () => {
  await database.truncate();
  const clock = new FakeClock();
  const store = new MySqlJobStore(database.admin, clock);
  await store.start();
  return { store, clock, batchesGuards: true, teardown: () => store.stop() };
});

describeGroupCommitContract('MySqlJobStore', async () => {
  await database.truncate();
  const clock = new FakeClock();
  const store = new MySqlJobStore(database.admin, clock);
  await store.start();
  return { store, clock, teardown: () => store.stop() };
});
