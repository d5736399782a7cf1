import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import type { JobStore } from '../../../src/scheduler/ports/job-store';
import { describeJobDefinitionsContract } from '../../contract/job-definitions.contract';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// Defined jobs reconciled on MariaDB: each "replica" is its own pool and store instance, so what a
// restart or another replica sees can only come from what was stored; replicas starting together
// really race on the source row's lock.
let database: StoreDatabase;

beforeAll(async () => {
  database = await openStoreDatabase('job_definitions');
});

afterAll(async () => {
  await database?.close();
});

describeJobDefinitionsContract('MySqlJobStore', async () => {
  await database.truncate();
  const clock = new FakeClock('2030-01-01T00:00:00Z');
  const stores: MySqlJobStore[] = [];
  return {
    clock,
    async openStore(): Promise<JobStore> {
      const store = new MySqlJobStore(await database.openPool(2), clock);
      await store.start();
      stores.push(store);
      return store;
    },
    async teardown() {
      for (const store of stores) await store.stop();
    },
  };
});
