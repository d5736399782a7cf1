import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { StoreUnavailableError } from '../../../src/scheduler/errors';
import { startMariaDb, stopMariaDb } from '../../support/test-database';
import { firingEvidence } from './exactly-once-evidence';
import { createReplica, jobAt, type Replica, settled, until } from './scheduler-replicas';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// MariaDB goes down while jobs fall due: the store raises StoreUnavailableError, the scheduler
// backs off and reports unhealthy; once the server is back it resumes and nothing is lost or
// fired twice. Restarts the local server from scripts/infra (stopMariaDb / startMariaDb).

jest.setTimeout(300_000);

const T0 = new Date('2030-06-01T00:00:00.000Z');
const plus = (ms: number): Date => new Date(T0.getTime() + ms);

let database: StoreDatabase;
let replica: Replica | undefined;

beforeAll(async () => {
  database = await openStoreDatabase('mariadb_restart');
});

afterAll(async () => {
  if (replica?.scheduler.running) await replica.scheduler.shutdown({ wait: false }).catch(() => undefined);
  await database?.close();
});

it('backs off while the database is down, then resumes with nothing lost', async () => {
  const clock = new FakeClock(T0);
  replica = createReplica(await database.openPool(4), clock, 'r1');
  const seed = new MySqlJobStore(database.admin, clock);
  await seed.addJobs(Array.from({ length: 100 }, (_, i) => jobAt(`due-${i}`, plus(5_000 + i * 10))));
  await replica.scheduler.start();
  await clock.setAsync(plus(1_000));
  expect(replica.scheduler.healthy).toBe(true);

  await stopMariaDb();
  try {
    await expect(
      replica.store.acquireDueJobs({ owner: 'probe', now: plus(6_000), limit: 10, leaseUntil: plus(36_000) }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    await clock.setAsync(plus(7_000));
    await until('the scheduler to report unhealthy', () => !replica?.scheduler.healthy);
    expect(replica.scheduler.lastError).toBeInstanceOf(StoreUnavailableError);
  } finally {
    await startMariaDb();
  }

  // Back-off timers run on the fake clock: step it until the scheduler has caught up.
  const end = plus(120_000);
  for (let t = 10_000; t <= 120_000; t += 5_000) await clock.setAsync(plus(t));
  await settled(database.admin, end);
  await until('the scheduler to report healthy', () => replica?.scheduler.healthy === true);

  const evidence = await firingEvidence(database.admin);
  expect(evidence.runs).toBe(100);
  expect(evidence.duplicateRuns).toBe(0);
  expect(evidence.outboxRows).toBe(200);
});
