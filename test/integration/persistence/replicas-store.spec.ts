import type { DataSource } from 'typeorm';

import { drainDue } from '../../../bench/store/store-driver';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import type { Job } from '../../../src/scheduler/job';
import { firingEvidence } from './exactly-once-evidence';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// Three replicas (separate MySqlJobStore instances, separate pools) race for the same due jobs on
// one database, driven straight through the store by the shared driver at simulated times.

const T0 = new Date('2030-03-01T00:00:00.000Z');
const ONE_SHOTS = 20_000;
const RECURRING = 200;
const SECONDS = 4;

let database: StoreDatabase;
let pools: DataSource[];

function oneShot(i: number): Job {
  const runAt = new Date(T0.getTime() + ((i * 7919) % (SECONDS * 1000)));
  return {
    id: `once-${i}`,
    name: 'one-shot',
    trigger: { type: 'date', runDate: runAt.toISOString() },
    action: { handler: 'noop' },
    misfireGraceTime: null,
    coalesce: true,
    maxInstances: 1,
    paused: false,
    nextRunTime: runAt,
  };
}

function recurring(i: number): Job {
  return {
    ...oneShot(0),
    id: `every-${i}`,
    name: 'every second',
    trigger: { type: 'interval', seconds: 1 },
    nextRunTime: T0,
  };
}

beforeAll(async () => {
  database = await openStoreDatabase('replicas_store');
  pools = await Promise.all([database.openPool(4), database.openPool(4), database.openPool(4)]);
});

afterAll(async () => {
  await database?.close();
});

jest.setTimeout(120_000);

it('three replicas fire 20,000 one-shot and 200 every-second jobs exactly once over 4 simulated seconds', async () => {
  const clock = new FakeClock(T0);
  const stores = pools.map((ds) => new MySqlJobStore(ds, clock));
  const seed = new MySqlJobStore(database.admin, clock);
  const jobs = [
    ...Array.from({ length: ONE_SHOTS }, (_, i) => oneShot(i)),
    ...Array.from({ length: RECURRING }, (_, i) => recurring(i)),
  ];
  expect((await seed.addJobs(jobs)).added).toHaveLength(jobs.length);

  const perReplica = [0, 0, 0];
  // Ticks of 250 ms up to T0 + 4 s; at each, every replica drains what is due, concurrently.
  for (let ms = 0; ms <= SECONDS * 1000; ms += 250) {
    const now = new Date(T0.getTime() + ms);
    clock.set(now);
    const results = await Promise.all(
      stores.map((store, r) =>
        drainDue(store, { owner: `replica-${r}`, now, batch: 200, leaseMs: 30_000, eventsPerRun: 2 }),
      ),
    );
    results.forEach((res, r) => {
      perReplica[r] += res.runs;
      expect(res.leaseLost).toBe(0);
    });
  }

  const recurringRuns = RECURRING * (SECONDS + 1); // T0, T0+1s, …, T0+4s
  const evidence = await firingEvidence(database.admin);
  expect(evidence.duplicateRuns).toBe(0);
  expect(evidence.runs).toBe(ONE_SHOTS + recurringRuns);
  expect(evidence.outboxRows).toBe(2 * evidence.runs);
  for (let i = 0; i < ONE_SHOTS; i += 997) expect(evidence.runsPerJob.get(`once-${i}`)).toBe(1);
  for (let i = 0; i < RECURRING; i++) expect(evidence.runsPerJob.get(`every-${i}`)).toBe(SECONDS + 1);
  expect(perReplica.reduce((a, b) => a + b, 0)).toBe(evidence.runs);
  // Every replica did real work: the claims were shared, not serialized onto one.
  for (const n of perReplica) expect(n).toBeGreaterThan(0);

  // Lock conflicts are retried, not errors; report how many so a regression is visible.
  console.info(
    `replicas-store: runs per replica ${perReplica.join('/')}, lock retries ${stores.map((s) => s.stats.lockRetries).join('/')}`,
  );

  const left = await seed.getJobs();
  expect(left).toHaveLength(RECURRING);
  for (const job of left) expect(job.nextRunTime).toEqual(new Date(T0.getTime() + (SECONDS + 1) * 1000));
});
