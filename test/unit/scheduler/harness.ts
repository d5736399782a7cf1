import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import type { SchedulerEventMap, SchedulerEventName } from '../../../src/scheduler/events';
import { MemoryJobStore } from '../../../src/scheduler/memory/memory-job-store';
import { Scheduler } from '../../../src/scheduler/scheduler';
import type { SchedulerOptions } from '../../../src/scheduler/scheduler-options';

export const T0 = '2030-01-01T00:00:00.000Z';
export const at = (seconds: number): Date => new Date(Date.parse(T0) + seconds * 1000);

export interface RecordedEvent<K extends SchedulerEventName = SchedulerEventName> {
  name: K;
  payload: SchedulerEventMap[K];
  at: Date;
}

const EVENT_NAMES: SchedulerEventName[] = [
  'job.added',
  'job.modified',
  'job.removed',
  'job.submitted',
  'job.executed',
  'job.error',
  'job.missed',
  'job.maxInstances',
  'job.retryScheduled',
  'job.dead',
  'scheduler.started',
  'scheduler.shutdown',
  'scheduler.error',
];

/** A scheduler over a memory store under a fake clock, recording every event it emits. */
export function createHarness(options: Partial<SchedulerOptions> = {}) {
  const clock = new FakeClock(T0);
  const store = new MemoryJobStore({ clock });
  const scheduler = new Scheduler({ store, clock, owner: 'test-replica', maxPollMs: 60_000, ...options });
  const events: RecordedEvent[] = [];
  for (const name of EVENT_NAMES) {
    scheduler.on(name, (payload) => events.push({ name, payload, at: clock.now() } as RecordedEvent));
  }
  const eventsOf = <K extends SchedulerEventName>(name: K): SchedulerEventMap[K][] =>
    events.filter((e) => e.name === name).map((e) => e.payload as SchedulerEventMap[K]);
  /** Run times of successful runs, as ISO strings, in commit order of history (oldest first). */
  const history = async (jobId: string) => (await store.getRunHistory(jobId, 1000)).reverse();
  return { clock, store, scheduler, events, eventsOf, history };
}

/** A promise with its resolve/reject exposed: a handler that finishes when the test says so. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
