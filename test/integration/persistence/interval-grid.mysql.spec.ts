import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import type { JobStore } from '../../../src/scheduler/ports/job-store';
import { describeIntervalGridContract } from '../../contract/interval-grid.contract';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// The interval grid contract against MariaDB: each "replica" is its own pool and store instance,
// so the anchor can only come from what was stored.
let database: StoreDatabase;

beforeAll(async () => {
  database = await openStoreDatabase('interval_grid');
});

afterAll(async () => {
  await database?.close();
});

describeIntervalGridContract('MySqlJobStore', async () => {
  await database.truncate();
  const clock = new FakeClock('2030-01-01T16:09:53.848Z');
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
