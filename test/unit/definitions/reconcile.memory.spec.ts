import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { MemoryJobStore } from '../../../src/scheduler/memory/memory-job-store';
import { describeJobDefinitionsContract } from '../../contract/job-definitions.contract';

// The memory store is shared storage for every "replica" of a test: one instance.
describeJobDefinitionsContract('MemoryJobStore', async () => {
  const clock = new FakeClock('2030-01-01T00:00:00Z');
  const store = new MemoryJobStore({ clock });
  await store.start();
  return { clock, openStore: () => Promise.resolve(store), teardown: () => store.stop() };
});
