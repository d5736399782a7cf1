import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { MemoryJobStore } from '../../../src/scheduler/memory/memory-job-store';
import { describeJobStoreContract } from '../../contract/job-store.contract';

describeJobStoreContract('MemoryJobStore', async () => ({
  store: new MemoryJobStore({ clock: new FakeClock() }),
  teardown: async () => {},
}));
