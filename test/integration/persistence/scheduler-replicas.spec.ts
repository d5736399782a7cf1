import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { firingEvidence } from './exactly-once-evidence';
import { createReplica, everySecond, jobAt, type Replica, settled } from './scheduler-replicas';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// Three Scheduler replicas (separate store instances and pools) on one database under one fake
// clock: 20,000 one-shot jobs and 200 every-second jobs over 4 simulated seconds, each due run
// fired exactly once, judged on run history and outbox rows.

jest.setTimeout(180_000);

const T0 = new Date('2030-04-01T00:00:00.000Z');
const ONE_SHOTS = 20_000;
const RECURRING = 200;
const SECONDS = 4;

let database: StoreDatabase;
let replicas: Replica[] = [];

beforeAll(async () => {
  database = await openStoreDatabase('scheduler_replicas');
});

afterAll(async () => {
  for (const r of replicas) if (r.scheduler.running) await r.scheduler.shutdown({ wait: false });
  await database?.close();
});

it('fires every due run exactly once across three replicas', async () => {
  const clock = new FakeClock(T0);
  const pools = await Promise.all([database.openPool(4), database.openPool(4), database.openPool(4)]);
  replicas = pools.map((pool, i) => createReplica(pool, clock, `replica-${i}`));
  const seed = new MySqlJobStore(database.admin, clock);
  const jobs = [
    ...Array.from({ length: ONE_SHOTS }, (_, i) =>
      jobAt(`once-${i}`, new Date(T0.getTime() + ((i * 7919) % (SECONDS * 1000)))),
    ),
    ...Array.from({ length: RECURRING }, (_, i) => everySecond(`every-${i}`, T0)),
  ];
  expect((await seed.addJobs(jobs)).added).toHaveLength(jobs.length);

  for (const r of replicas) await r.scheduler.start();
  for (let ms = 0; ms <= SECONDS * 1000; ms += 250) {
    const now = new Date(T0.getTime() + ms);
    await clock.setAsync(now);
    await settled(database.admin, now);
  }
  for (const r of replicas) await r.scheduler.shutdown({ wait: true });

  const evidence = await firingEvidence(database.admin);
  expect(evidence.duplicateRuns).toBe(0);
  expect(evidence.runs).toBe(ONE_SHOTS + RECURRING * (SECONDS + 1));
  expect(evidence.outboxRows).toBe(2 * evidence.runs);
  for (let i = 0; i < RECURRING; i++) expect(evidence.runsPerJob.get(`every-${i}`)).toBe(SECONDS + 1);
  const owners = (await database.admin.query(
    'SELECT owner, COUNT(*) AS n FROM scheduler_job_runs GROUP BY owner ORDER BY owner',
  )) as { owner: string; n: string }[];
  console.info(`scheduler-replicas: runs per replica ${owners.map((o) => `${o.owner}=${o.n}`).join(' ')}`);
  expect(owners).toHaveLength(3);
  expect(await seed.getJobs()).toHaveLength(RECURRING);
});
