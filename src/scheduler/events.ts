import type { Job } from './job';
import type { OutboxEvent } from './outbox';

/** Payload of each scheduler event, by name (APScheduler's events, camelCase). */
export interface SchedulerEventMap {
  'job.added': { jobId: string; job: Job; replaced: boolean };
  'job.modified': { jobId: string; job: Job };
  'job.removed': { jobId: string };
  /** Runs handed to the executor as one instance (several only without coalesce). */
  'job.submitted': { jobId: string; scheduledRunTimes: Date[] };
  'job.executed': {
    jobId: string;
    scheduledAt: Date;
    startedAt: Date;
    finishedAt: Date;
    events: OutboxEvent[];
  };
  'job.error': {
    jobId: string;
    scheduledAt: Date;
    startedAt: Date | null;
    finishedAt: Date;
    outcome: 'error' | 'timeout';
    error: unknown;
    /** Which attempt of the scheduled run failed (1 unless retried). */
    attempt?: number;
  };
  /** A failed run will be attempted again at `dueAt` (its retry policy allows it). */
  'job.retryScheduled': { jobId: string; scheduledAt: Date; attempt: number; dueAt: Date };
  /** A run's attempts are over without success: recorded as a dead run and dead-lettered. */
  'job.dead': { jobId: string; scheduledAt: Date; attempts: number; error: string; handler: string };
  'job.missed': { jobId: string; scheduledAt: Date; lateMs: number; misfireGraceTime: number };
  'job.maxInstances': { jobId: string; scheduledRunTimes: Date[]; maxInstances: number };
  /**
   * A batch of completions committed (history, next state, outbox rows): the moment their events
   * become visible to the outbox relay, unlike job.executed, which comes before the commit.
   */
  'runs.committed': { jobIds: string[]; events: number };
  /** A unit of work (Scheduler.transaction) committed; `events` outbox rows became visible with it. */
  'transaction.committed': { added: string[]; replaced: string[]; removed: string[]; events: number };
  'scheduler.started': { owner: string };
  'scheduler.shutdown': { owner: string; wait: boolean };
  /** Something failed that the scheduler survives: a store call (it backs off), a listener. */
  'scheduler.error': { during: string; error: unknown };
}

export type SchedulerEventName = keyof SchedulerEventMap;
export type Listener<P> = (payload: P) => void;

/** A small typed emitter. A throwing listener never breaks the scheduler: `onListenerError` hears of it. */
export class TypedEmitter<M> {
  private readonly listeners: { [K in keyof M]?: Set<Listener<M[K]>> } = {};

  constructor(private readonly onListenerError: (name: keyof M, error: unknown) => void = () => {}) {}

  /** Returns a function that removes the listener. */
  on<K extends keyof M>(name: K, listener: Listener<M[K]>): () => void {
    const set = (this.listeners[name] ??= new Set<Listener<M[K]>>());
    set.add(listener);
    return () => this.off(name, listener);
  }

  off<K extends keyof M>(name: K, listener: Listener<M[K]>): void {
    this.listeners[name]?.delete(listener);
  }

  emit<K extends keyof M>(name: K, payload: M[K]): void {
    const set = this.listeners[name];
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        this.onListenerError(name, error);
      }
    }
  }

  listenerCount(name: keyof M): number {
    return this.listeners[name]?.size ?? 0;
  }
}
