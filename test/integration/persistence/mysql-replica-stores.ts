import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import type { JobStore } from '../../../src/scheduler/ports/job-store';
import type { ReplicaStores } from '../../contract/replica-stores';
import { openStoreDatabase, type StoreDatabase } from './store-database';

/**
 * Storage for a multi-replica store contract on MariaDB. Call at the top of the file: one database
 * for it (made before its tests, dropped after), emptied before each test. Each "replica" is its
 * own pool and store instance, so what one sees of another can only come from what was stored.
 */
export function mysqlReplicaStores(label: string, start: string): () => Promise<ReplicaStores> {
  let database: StoreDatabase;

  beforeAll(async () => {
    database = await openStoreDatabase(label);
  });

  afterAll(async () => {
    await database?.close();
  });

  return async () => {
    await database.truncate();
    const clock = new FakeClock(start);
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
  };
}
