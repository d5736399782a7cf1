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

test('a pause through one replica stops both; the other resumes; the backlog follows each job', async () => {
  const clock = new FakeClock('2030-01-01T00:00:00.000Z');
  const t0 = clock.now().getTime();
  const iso = (s: number) => new Date(t0 + s * 1000).toISOString();
  const fired: string[] = [];
  const missed: string[] = [];
  const a = await replica(clock, 'a', fired);
  const b = await replica(clock, 'b', fired);
  for (const r of [a, b]) r.on('job.missed', (e) => missed.push(`${e.jobId}@${e.scheduledAt.toISOString()}`));
  await a.start();
  await b.start();
  const every2 = { type: 'interval' as const, seconds: 2, startDate: iso(2) };
  await a.addJob({ id: 'coalesced', trigger: every2, action: { handler: 'record' } });
  // APScheduler's option names, as a jobs file or decorator would give them.
  await a.addJob({
    id: 'each',
    trigger: every2,
    action: { handler: 'record' },
    coalesce: false,
    misfire_grace_time: 5.5,
  });
  await advance(clock, 4);
  await eventually('runs at 2 s and 4 s', async () => (fired.length >= 4 ? true : undefined));

  await a.pause();
  expect(await b.isPausedEverywhere()).toBe(true);
  // A look begun before the pause committed may still finish: let it, then count.
  await advance(clock, 1);
  const before = fired.length;
  await advance(clock, 10); // now 15 s: due at 6, 8, 10, 12, 14 on both jobs; nothing runs anywhere
  expect(fired.slice(before)).toEqual([]);
  expect(missed).toEqual([]);
  for (const id of ['coalesced', 'each']) {
    const job = await b.getJob(id);
    expect(job?.paused).toBe(false);
    expect(job?.nextRunTime?.getTime()).toBeLessThanOrEqual(t0 + 6_000); // the schedule is kept
  }

  await b.resume(); // at 15 s, the clock held still: the backlog is judged against 15 s
  await eventually('the backlog runs', async () => (fired.length >= before + 4 ? true : undefined));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await clock.settle();
  const after = fired.slice(before).sort();
  // coalesce (the default): the missed times run once, as the latest due time (14 s). Without it,
  // each run within its 5.5 s grace runs (10, 12, 14) and the older ones are missed (6, 8).
  expect(after).toEqual([`coalesced@${iso(14)}`, `each@${iso(10)}`, `each@${iso(12)}`, `each@${iso(14)}`]);
  expect(missed.sort()).toEqual([`each@${iso(6)}`, `each@${iso(8)}`]);
  expect(await a.isPausedEverywhere()).toBe(false);
});
