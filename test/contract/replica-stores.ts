import { FakeClock } from '../../src/scheduler/clocks/fake-clock';
import { MemoryJobStore } from '../../src/scheduler/memory/memory-job-store';
import type { JobStore } from '../../src/scheduler/ports/job-store';
import { Scheduler } from '../../src/scheduler/scheduler';

/** What the multi-replica contracts need of a store: shared storage on a fake clock, opened once per replica. */
export interface ReplicaStores {
  clock: FakeClock;
  /** Another replica's store over the suite's storage (empty at the start of each test). */
  openStore(): Promise<JobStore>;
  teardown(): Promise<void>;
}

/** A test's replicas: each one a Scheduler (handler `tick`) on its own store instance. */
export interface Replicas {
  /** The fake clock of the current test's storage. */
  readonly clock: FakeClock;
  replica(owner: string): Promise<Scheduler>;
}

/**
 * Call inside a describe: every test gets fresh storage from `setup`, and its replicas are shut
 * down and the storage torn down after it.
 */
export function useReplicas(setup: () => Promise<ReplicaStores>): Replicas {
  let stores: ReplicaStores | undefined;
  const schedulers: Scheduler[] = [];
  const current = (): ReplicaStores => {
    if (!stores) throw new Error('replica storage is only there inside a test');
    return stores;
  };

  beforeEach(async () => {
    stores = await setup();
  });
  afterEach(async () => {
    for (const s of schedulers.splice(0)) if (s.running) await s.shutdown({ wait: false });
    await current().teardown();
  });

  return {
    get clock() {
      return current().clock;
    },
    async replica(owner: string): Promise<Scheduler> {
      const { clock } = current();
      const store = await current().openStore();
      // Polls a minute apart: the tests move the fake clock minutes to hours, and each poll is a loop turn.
      const scheduler = new Scheduler({ store, clock, owner, maxPollMs: 60_000 });
      scheduler.registerHandler('tick', () => undefined);
      schedulers.push(scheduler);
      return scheduler;
    },
  };
}

/** The memory store is shared storage for every "replica" of a test: one instance, opened once per replica. */
export async function memoryReplicaStores(start: string): Promise<ReplicaStores> {
  const clock = new FakeClock(start);
  const store = new MemoryJobStore({ clock });
  await store.start();
  return { clock, openStore: () => Promise.resolve(store), teardown: () => store.stop() };
}
