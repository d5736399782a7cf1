import type { DataSource } from 'typeorm';

import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { MySqlSchedulerState } from '../../../src/persistence/mysql-scheduler-state';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { eventually } from '../../support/eventually';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// Scheduler-wide pause/resume on MariaDB with two replicas, each with its own pool, store and
// state adapter: the flag in scheduler_state is all they share besides the jobs.
let database: StoreDatabase;
const replicas: Scheduler[] = [];

beforeAll(async () => {
  database = await openStoreDatabase('scheduler_pause');
});

afterAll(async () => {
  for (const s of replicas) if (s.running) await s.shutdown({ wait: false });
  await database?.close();
});

async function replica(clock: FakeClock, owner: string, fired: string[]): Promise<Scheduler> {
  const pool: DataSource = await database.openPool(3);
  const scheduler = new Scheduler({
    store: new MySqlJobStore(pool, clock),
    state: new MySqlSchedulerState(pool),
    clock,
    owner,
    maxPollMs: 1_000,
  });
  scheduler.registerHandler('record', (ctx) => {
    fired.push(`${ctx.jobId}@${ctx.scheduledAt.toISOString()}`);
  });
  replicas.push(scheduler);
  return scheduler;
}

/** Moves the fake clock a second at a time, letting each replica's real SQL round trips finish. */
async function advance(clock: FakeClock, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    await clock.advanceAsync(1_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await clock.settle();
  }
}

test('a pause through one replica stops both; the other resumes; the backlog runs once per job', async () => {
  const clock = new FakeClock('2030-01-01T00:00:00.000Z');
  const t0 = clock.now().getTime();
  const iso = (s: number) => new Date(t0 + s * 1000).toISOString();
  const fired: string[] = [];
  const a = await replica(clock, 'a', fired);
  const b = await replica(clock, 'b', fired);
  await a.start();
  await b.start();
  await a.addJob({
    id: 'every2',
    trigger: { type: 'interval', seconds: 2, startDate: iso(2) },
    action: { handler: 'record' },
  });
  await advance(clock, 4);
  await eventually('runs at 2 s and 4 s', async () => (fired.length >= 2 ? true : undefined));

  await a.pause();
  expect(await b.isPausedEverywhere()).toBe(true);
  // A look begun before the pause committed may still finish: let it, then count.
  await advance(clock, 1);
  const before = fired.length;
  await advance(clock, 10);
  expect(fired.slice(before)).toEqual([]);
  const job = await b.getJob('every2');
  expect(job?.paused).toBe(false);
  expect(job?.nextRunTime?.getTime()).toBeLessThanOrEqual(t0 + 7_000);

  await b.resume();
  await advance(clock, 1);
  const resumedAt = (clock.now().getTime() - t0) / 1000;
  await eventually('the coalesced backlog run', async () => (fired.length > before ? true : undefined));
  // coalesce (the default): the missed times run once, as the latest due time.
  const latestDue = Math.floor(resumedAt / 2) * 2;
  expect(fired.slice(before)).toEqual([`every2@${iso(latestDue)}`]);
  expect(await a.isPausedEverywhere()).toBe(false);
});
