import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { MemoryJobStore } from '../../../src/scheduler/memory/memory-job-store';
import { describeGroupCommitContract } from '../../contract/group-commit.contract';
import { describeJobStoreContract } from '../../contract/job-store.contract';
import { describeUnitOfWorkContract } from '../../contract/unit-of-work.contract';

describeJobStoreContract('MemoryJobStore', async () => ({
  store: new MemoryJobStore({ clock: new FakeClock() }),
  teardown: async () => {},
}));

describeUnitOfWorkContract('MemoryJobStore', async () => {
  const clock = new FakeClock();
  return { store: new MemoryJobStore({ clock }), clock, teardown: async () => {} };
});

describeGroupCommitContract('MemoryJobStore', async () => {
  const clock = new FakeClock();
  return { store: new MemoryJobStore({ clock }), clock, teardown: async () => {} };
});
