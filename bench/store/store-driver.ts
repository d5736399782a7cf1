import type { Job } from '../../src/scheduler/job';
import { eventIdFor, type OutboxEvent } from '../../src/scheduler/outbox';
import type { JobStore, RunCompletion, RunRecord } from '../../src/scheduler/ports/job-store';

/**
 * A minimal replica loop straight on a JobStore (no Scheduler): lease a batch of due jobs, "run"
 * each due run with a no-op that emits `eventsPerRun` events, commit the batch in one
 * completeRuns. Used by the store benchmark and the store's multi-replica tests. It understands
 * `date` triggers and whole-second `interval` triggers, every due run fired (no coalescing).
 */
export interface DriveOptions {
  owner: string;
  now: Date;
  batch: number;
  leaseMs: number;
  eventsPerRun: number;
}

export interface DriveResult {
  acquired: number;
  runs: number;
  leaseLost: number;
}

function dueRuns(job: Job, now: Date): { scheduled: Date[]; next: Date | null } {
  const first = job.nextRunTime as Date;
  if (job.trigger.type !== 'interval') return { scheduled: [first], next: null };
  const stepMs = (job.trigger.seconds ?? 1) * 1000;
  const scheduled: Date[] = [];
  let t = first.getTime();
  for (; t <= now.getTime(); t += stepMs) scheduled.push(new Date(t));
  return { scheduled, next: new Date(t) };
}

export function completionFor(job: Job, now: Date, eventsPerRun: number): RunCompletion {
  const { scheduled, next } = dueRuns(job, now);
  const runs: RunRecord[] = scheduled.map((at) => ({
    scheduledAt: at,
    startedAt: now,
    finishedAt: now,
    outcome: 'success',
    error: null,
  }));
  const events: OutboxEvent[] = scheduled.flatMap((at) =>
    Array.from({ length: eventsPerRun }, (_, k) => ({
      eventId: eventIdFor(job.id, at, `e${k}`),
      topic: 'bench.out',
      key: job.id,
      value: { jobId: job.id, scheduledAt: at.toISOString(), kind: k },
      headers: { 'x-scheduler-job-id': job.id },
    })),
  );
  return { jobId: job.id, version: job.version, runs, events, nextRunTime: next };
}

/** One claim transaction and one completion transaction. */
export async function fireOnce(store: JobStore, options: DriveOptions): Promise<DriveResult> {
  const jobs = await store.acquireDueJobs({
    owner: options.owner,
    now: options.now,
    limit: options.batch,
    leaseUntil: new Date(options.now.getTime() + options.leaseMs),
  });
  if (jobs.length === 0) return { acquired: 0, runs: 0, leaseLost: 0 };
  const completions = jobs.map((job) => completionFor(job, options.now, options.eventsPerRun));
  const { leaseLost } = await store.completeRuns(options.owner, completions);
  const lost = new Set(leaseLost);
  const runs = completions.filter((c) => !lost.has(c.jobId)).reduce((n, c) => n + c.runs.length, 0);
  return { acquired: jobs.length, runs, leaseLost: leaseLost.length };
}

/** Fire until nothing is due at `now` for this replica. */
export async function drainDue(store: JobStore, options: DriveOptions): Promise<DriveResult> {
  const total: DriveResult = { acquired: 0, runs: 0, leaseLost: 0 };
  for (;;) {
    const r = await fireOnce(store, options);
    if (r.acquired === 0) return total;
    total.acquired += r.acquired;
    total.runs += r.runs;
    total.leaseLost += r.leaseLost;
  }
}
