import { StoreUnavailableError } from '../../../src/scheduler/errors';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import type { ActionHandler } from '../../../src/scheduler/handlers';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { firingEvidence } from './exactly-once-evidence';
import { createReplica, emitTwo, jobAt, type Replica, settled, until } from './scheduler-replicas';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// A replica dies mid-run (its pool destroyed, nothing released): its jobs fire on another replica
// once the lease expires, exactly once. And a job removed or paused while it runs.

jest.setTimeout(120_000);

const T0 = new Date('2030-05-01T00:00:00.000Z');
const plus = (ms: number): Date => new Date(T0.getTime() + ms);

let database: StoreDatabase;
const started: Replica[] = [];

beforeAll(async () => {
  database = await openStoreDatabase('replica_failures');
});

beforeEach(async () => {
  await database.truncate();
});

afterEach(async () => {
  for (const r of started.splice(0))
    if (r.scheduler.running) await r.scheduler.shutdown({ wait: false }).catch(() => undefined);
});

afterAll(async () => {
  await database?.close();
});

/** A handler that blocks until released: a run in flight for as long as the test wants. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let entered = 0;
  const handler: ActionHandler = async (ctx) => {
    entered++;
    await opened;
    emitTwo(ctx);
  };
  return { handler, open, entered: () => entered };
}

async function leasedBy(owner: string): Promise<number> {
  const [{ n }] = (await database.admin.query(
    'SELECT COUNT(*) AS n FROM scheduler_jobs WHERE lease_owner = ?',
    [owner],
  )) as { n: string }[];
  return Number(n);
}

it("a killed replica's jobs fire on another replica after the lease expires, exactly once", async () => {
  const clock = new FakeClock(T0);
  const stuck = gate();
  const doomed = createReplica(await database.openPool(2), clock, 'doomed', { emitTwo: stuck.handler });
  const survivor = createReplica(await database.openPool(2), clock, 'survivor');
  const seed = new MySqlJobStore(database.admin, clock);
  await seed.addJobs(Array.from({ length: 50 }, (_, i) => jobAt(`job-${i}`, T0)));

  started.push(doomed);
  await doomed.scheduler.start();
  await until(
    'the doomed replica to lease and start all 50',
    async () => stuck.entered() === 50 && (await leasedBy('doomed')) === 50,
  );

  // Kill: the pool goes away with the leases held and nothing completed or released.
  await doomed.pool.destroy();
  stuck.open();
  await expect(
    doomed.store.acquireDueJobs({ owner: 'doomed', now: T0, limit: 1, leaseUntil: plus(1) }),
  ).rejects.toBeInstanceOf(StoreUnavailableError);

  await until('the doomed replica to report itself unhealthy', () => !doomed.scheduler.healthy);

  started.push(survivor);
  await survivor.scheduler.start();
  await clock.setAsync(plus(10_000));
  expect(await leasedBy('doomed')).toBe(50); // lease still holds: nothing fired twice meanwhile
  expect((await firingEvidence(database.admin)).runs).toBe(0);

  await clock.setAsync(plus(30_001));
  await settled(database.admin, plus(30_001));
  const evidence = await firingEvidence(database.admin);
  expect(evidence.runs).toBe(50);
  expect(evidence.duplicateRuns).toBe(0);
  expect(evidence.outboxRows).toBe(100);
  const owners = (await database.admin.query('SELECT DISTINCT owner FROM scheduler_job_runs')) as {
    owner: string;
  }[];
  expect(owners).toEqual([{ owner: 'survivor' }]);
});

it('a job removed while it runs commits that run and never runs again', async () => {
  const clock = new FakeClock(T0);
  const stuck = gate();
  const replica = createReplica(await database.openPool(2), clock, 'r1', { emitTwo: stuck.handler });
  await replica.store.addJob({ ...jobAt('rm', T0), trigger: { type: 'interval', seconds: 1 } });
  started.push(replica);
  await replica.scheduler.start();
  await until('the run to start', () => stuck.entered() === 1);

  await replica.scheduler.removeJob('rm');
  stuck.open();
  await until('the run to commit', async () => (await replica.store.getRunHistory('rm', 10)).length === 1);
  await clock.setAsync(plus(5_000));
  await settled(database.admin, plus(5_000));
  expect(await replica.store.getJob('rm')).toBeNull();
  expect(await replica.store.getRunHistory('rm', 10)).toHaveLength(1);
  expect(await replica.store.countUnsent()).toBe(2);
});

it('a job paused while it runs commits that run and stays paused', async () => {
  const clock = new FakeClock(T0);
  const stuck = gate();
  const replica = createReplica(await database.openPool(2), clock, 'r1', { emitTwo: stuck.handler });
  await replica.store.addJob({ ...jobAt('pz', T0), trigger: { type: 'interval', seconds: 1 } });
  started.push(replica);
  await replica.scheduler.start();
  await until('the run to start', () => stuck.entered() === 1);

  await replica.scheduler.pauseJob('pz');
  stuck.open();
  await until('the run to commit', async () => (await replica.store.getRunHistory('pz', 10)).length === 1);
  await clock.setAsync(plus(5_000));
  await settled(database.admin, plus(5_000));
  expect(await replica.store.getJob('pz')).toMatchObject({ paused: true, nextRunTime: null });
  expect(await replica.store.getRunHistory('pz', 10)).toHaveLength(1);
  expect(await leasedBy('r1')).toBe(0);
});
