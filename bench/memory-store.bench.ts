/**
 * MemoryJobStore and scheduler throughput. Prints numbers; asserts nothing.
 *   npm run bench:memory            (builds, then runs dist/bench/memory-store.bench.js)
 *   JOBS=200000 FIRES=50000 npm run bench:memory   (smaller, for a busy machine)
 */
import { SystemClock } from '../src/scheduler/clocks/system-clock';
import type { Job } from '../src/scheduler/job';
import { MemoryJobStore } from '../src/scheduler/memory/memory-job-store';
import { Scheduler } from '../src/scheduler/scheduler';

const JOBS = Number(process.env.JOBS ?? 1_000_000);
const OPS = Number(process.env.OPS ?? 100_000);
const FIRES = Number(process.env.FIRES ?? 100_000);
const BASE = Date.parse('2030-01-01T00:00:00Z');

function job(id: string, at: number): Job {
  return {
    id,
    name: id,
    trigger: { type: 'date', runDate: new Date(at).toISOString() },
    action: { handler: 'noop', args: { orderId: id } },
    misfireGraceTime: null,
    coalesce: true,
    maxInstances: 1,
    paused: false,
    nextRunTime: new Date(at),
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapMb(): string {
  gc?.();
  return (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);
}

async function timeIt(label: string, ops: number, fn: () => Promise<void>): Promise<void> {
  const start = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `${label.padEnd(44)} ${((ms * 1000) / ops).toFixed(2).padStart(8)} µs/op  (${ops} ops, ${ms.toFixed(0)} ms)`,
  );
}

async function storeBench(): Promise<void> {
  const store = new MemoryJobStore({ clock: new SystemClock() });
  const heapBefore = heapMb();
  // Due times spread over a day, in a shuffled order (a heap must not get sorted input for free).
  const spread = 86_400_000;
  const timeOf = (i: number) => BASE + ((i * 7_919) % JOBS) * (spread / JOBS);
  await timeIt(`insert ${JOBS} jobs (addJobs, 10k per call)`, JOBS, async () => {
    for (let i = 0; i < JOBS; i += 10_000) {
      const chunk: Job[] = [];
      for (let j = i; j < Math.min(JOBS, i + 10_000); j++) chunk.push(job(`job-${j}`, timeOf(j)));
      await store.addJobs(chunk);
    }
  });
  console.log(`heap: ${heapBefore} MB before, ${heapMb()} MB with ${store.size} jobs`);

  await timeIt(`addJob on top of ${JOBS}`, OPS, async () => {
    for (let i = 0; i < OPS; i++) await store.addJob(job(`extra-${i}`, BASE + ((i * 104_729) % spread)));
  });
  await timeIt(`removeJob on top of ${JOBS}`, OPS, async () => {
    for (let i = 0; i < OPS; i++) await store.removeJob(`extra-${i}`);
  });
  await timeIt('getNextRunTime', OPS, async () => {
    for (let i = 0; i < OPS; i++) await store.getNextRunTime();
  });

  // Acquire due jobs in batches of 100 as time moves on, then complete them (one-shots: removed).
  let acquired = 0;
  let now = BASE;
  const step = (spread / JOBS) * 100;
  const batches: Job[][] = [];
  await timeIt('acquireDueJobs (limit 100), per job', OPS, async () => {
    while (acquired < OPS) {
      now += step;
      const jobs = await store.acquireDueJobs({
        owner: 'bench',
        now: new Date(now),
        limit: 100,
        leaseUntil: new Date(now + 30_000),
      });
      acquired += jobs.length;
      batches.push(jobs);
    }
  });
  await timeIt('completeRuns (100 per call), per job', acquired, async () => {
    for (const jobs of batches) {
      await store.completeRuns(
        'bench',
        jobs.map((j) => ({
          jobId: j.id,
          version: j.version,
          runs: [
            {
              scheduledAt: j.nextRunTime as Date,
              startedAt: new Date(now),
              finishedAt: new Date(now),
              outcome: 'success',
              error: null,
            },
          ],
          events: [],
          nextRunTime: null,
        })),
      );
    }
  });
  console.log(`heap after: ${heapMb()} MB with ${store.size} jobs`);
}

async function schedulerBench(): Promise<void> {
  const clock = new SystemClock();
  const store = new MemoryJobStore({ clock, maxHistoryEntries: 10_000 });
  const scheduler = new Scheduler({
    store,
    clock,
    owner: 'bench',
    batchSize: 500,
    maxConcurrency: 200,
    runTimeoutMs: null,
  });
  scheduler.registerHandler('noop', (ctx) => {
    ctx.emit('done', { topic: 'bench', key: ctx.jobId, value: null });
  });
  const due = Date.now() - 1_000;
  const jobs: Job[] = [];
  for (let i = 0; i < FIRES; i++) jobs.push(job(`fire-${i}`, due));
  await store.addJobs(jobs);
  const start = process.hrtime.bigint();
  await scheduler.start();
  while (store.size > 0) await new Promise((resolve) => setImmediate(resolve));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await scheduler.shutdown();
  const fired = await store.countUnsent();
  console.log(
    `scheduler, system clock, no-op handler emitting 1 event: ${fired} fires in ${ms.toFixed(0)} ms = ${((fired * 1000) / ms).toFixed(0)} fires/s`,
  );
}

async function main(): Promise<void> {
  console.log(`node ${process.version}${gc ? '' : ' (run with --expose-gc for steadier heap numbers)'}`);
  await storeBench();
  await schedulerBench();
}

void main();
