import { computeDueRuns, splitDueRuns } from './due-runs';
import { UnknownHandlerError } from './errors';
import type { ExecutionResult, Executor } from './executor/executor';
import { createRunContext, type RegisteredHandler } from './handlers';
import { completionOf, newHeldJob, type HeldJob } from './held-job';
import type { Job } from './job';
import { cloneJob } from './memory/clone';
import type { OutboxEvent } from './outbox';
import type { Clock } from './ports/clock';
import type { BatchedGuard, JobStore, RunCompletion, RunGuard } from './ports/job-store';
import { describeError, type ErrorTextScrubber } from './error-text';
import { afterFailure, type RunFailureDeps } from './run-failure';
import { TriggerCache } from './trigger-cache';

export type { HeldJob } from './held-job';

export interface RunDispatcherDeps extends RunFailureDeps {
  store: JobStore;
  clock: Clock;
  /** Every executor handlers may use (for the counts; each handler names its own). */
  executors: readonly Executor[];
  handlers: { get(name: string): RegisteredHandler | undefined };
  complete(completion: RunCompletion): void;
  /** An instance ended: capacity freed or a completion queued; the loop may want to look again. */
  onInstanceEnd(): void;
  /** Applied to every error text recorded (history, dead runs, the dead-letter event). */
  scrubErrorText: ErrorTextScrubber;
}

/**
 * Turns acquired jobs into runs: works out due run times, records misses and max-instance skips,
 * runs the rest through the executor and hands one completion per held job to the batcher once
 * nothing of it is in flight. While a run is in flight the job stays held (lease extended), and
 * run times falling due meanwhile are handled here: another instance up to `maxInstances`, else
 * a 'max_instances' record (APScheduler 3's rule).
 */
export class RunDispatcher {
  readonly held = new Map<string, HeldJob>();
  private readonly triggers: TriggerCache;

  constructor(private readonly deps: RunDispatcherDeps) {
    this.triggers = new TriggerCache(deps.random);
  }

  /** Instances running or queued in the executors. */
  get pendingRuns(): number {
    return this.deps.executors.reduce((n, e) => n + e.running + e.queued, 0);
  }

  /** Runs the executors take at once, together. */
  get capacity(): number {
    return this.deps.executors.reduce((n, e) => n + e.capacity, 0);
  }

  /** A job just acquired as due. */
  admit(job: Job, leaseUntil: number): void {
    const held = this.hold(job, leaseUntil, true);
    try {
      held.trigger = this.triggers.get(job.trigger);
    } catch (error) {
      void this.pauseUnreadable(held, error);
      return;
    }
    const now = this.deps.clock.now();
    this.processRetries(held, now);
    this.processDue(held, now);
    this.maybeFinalize(held);
  }

  /** Attempts whose time has come, as far as maxInstances allows; the others stay pending. */
  private processRetries(held: HeldJob, now: Date): void {
    const due = held.retries.filter((r) => r.dueAt <= now).sort((a, b) => +a.dueAt - +b.dueAt);
    for (const retry of due) {
      if (held.inFlight >= held.job.maxInstances) break;
      held.retries.splice(held.retries.indexOf(retry), 1);
      this.startInstance(held, [retry.scheduledAt], retry.attempt);
    }
  }

  /**
   * A stored trigger this build cannot read: record an error run and pause the job (a change made
   * while held wins over the completion), rather than drop it or retry it in a tight loop.
   */
  private async pauseUnreadable(held: HeldJob, error: unknown): Promise<void> {
    const { job } = held;
    const now = this.deps.clock.now();
    const scheduledAt = job.nextRunTime ?? now;
    held.ownsSchedule = false;
    held.records.push({
      scheduledAt,
      startedAt: null,
      finishedAt: now,
      outcome: 'error',
      error: describeError(error, this.deps.scrubErrorText),
    });
    this.deps.emitter.emit('job.error', {
      jobId: job.id,
      scheduledAt,
      startedAt: null,
      finishedAt: now,
      outcome: 'error',
      error,
    });
    try {
      await this.deps.store.updateJob({ ...job, paused: true, nextRunTime: null });
    } catch (storeError) {
      this.deps.emitter.emit('scheduler.error', {
        during: 'pause job with unreadable trigger',
        error: storeError,
      });
    } finally {
      this.maybeFinalize(held);
    }
  }

  /** An on-demand run of a job acquired by `acquireJob`: one run now, schedule untouched. */
  admitOnDemand(job: Job, leaseUntil: number, at: Date): void {
    const held = this.hold(job, leaseUntil, false);
    this.startInstance(held, [at]);
  }

  /** An on-demand run of a job already held here; false when maxInstances is reached. */
  runHeldNow(held: HeldJob, at: Date): boolean {
    if (held.inFlight >= held.job.maxInstances) {
      this.skipMaxInstances(held, [at]);
      return false;
    }
    this.startInstance(held, [at]);
    return true;
  }

  /** Earliest in-memory run time of a held job with runs in flight (the loop wakes for it). */
  nextHeldDue(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const held of this.held.values()) {
      if (this.overlapCandidate(held)) min = Math.min(min, (held.nextRunTime as Date).getTime());
    }
    return min;
  }

  /** Process run times that fell due while their job's earlier runs are still in flight. */
  async processHeldDue(now: Date): Promise<void> {
    for (const held of [...this.held.values()]) {
      if (!this.overlapCandidate(held) || (held.nextRunTime as Date) > now) continue;
      // Another replica may have changed or removed the job meanwhile: check before running more.
      const current = await this.deps.store.getJob(held.job.id);
      if (!current || current.version !== held.job.version) {
        held.ownsSchedule = false;
        continue;
      }
      if (!held.finalized) this.processDue(held, now);
    }
  }

  /** A completion committed (or its lease was lost): the job is no longer held here. */
  released(completion: RunCompletion): void {
    // The job may already be held again under a new lease: only forget this holding.
    if (this.held.get(completion.jobId)?.completion === completion) this.held.delete(completion.jobId);
  }

  /** A local change to the job (modify, pause, remove...): its schedule is no longer ours to move. */
  noteChanged(jobId: string): void {
    const held = this.held.get(jobId);
    if (held) held.ownsSchedule = false;
  }

  /** Shutdown without wait: abandon held jobs not yet completed; returns their ids to release. */
  abandonUnfinished(): string[] {
    const ids: string[] = [];
    for (const held of this.held.values()) {
      if (held.finalized) continue;
      held.finalized = true;
      ids.push(held.job.id);
      this.held.delete(held.job.id);
    }
    return ids;
  }

  get inFlight(): number {
    let n = 0;
    for (const held of this.held.values()) n += held.inFlight;
    return n;
  }

  private hold(job: Job, leaseUntil: number, ownsSchedule: boolean): HeldJob {
    const held = newHeldJob(job, leaseUntil, ownsSchedule);
    this.held.set(job.id, held);
    return held;
  }

  private overlapCandidate(held: HeldJob): boolean {
    return !held.finalized && held.ownsSchedule && held.inFlight > 0 && held.nextRunTime !== null;
  }

  private processDue(held: HeldJob, now: Date): void {
    if (!held.ownsSchedule || !held.trigger || held.nextRunTime === null || held.nextRunTime > now) return;
    const { job } = held;
    const due = computeDueRuns(held.trigger, held.nextRunTime, now, job.coalesce);
    held.nextRunTime = due.next;
    const { missed, toRun } = splitDueRuns(due.runTimes, now, job);
    for (const scheduledAt of missed) {
      held.records.push({ scheduledAt, startedAt: null, finishedAt: null, outcome: 'missed', error: null });
      this.deps.emitter.emit('job.missed', {
        jobId: job.id,
        scheduledAt,
        lateMs: now.getTime() - scheduledAt.getTime(),
        misfireGraceTime: job.misfireGraceTime as number,
      });
    }
    if (toRun.length === 0) return;
    if (held.inFlight >= job.maxInstances) this.skipMaxInstances(held, toRun);
    else this.startInstance(held, toRun);
  }

  private skipMaxInstances(held: HeldJob, runTimes: Date[]): void {
    for (const scheduledAt of runTimes) {
      held.records.push({
        scheduledAt,
        startedAt: null,
        finishedAt: null,
        outcome: 'max_instances',
        error: null,
      });
    }
    this.deps.emitter.emit('job.maxInstances', {
      jobId: held.job.id,
      scheduledRunTimes: runTimes,
      maxInstances: held.job.maxInstances,
    });
  }

  private startInstance(held: HeldJob, runTimes: Date[], attempt = 1): void {
    held.inFlight++;
    this.deps.emitter.emit('job.submitted', { jobId: held.job.id, scheduledRunTimes: runTimes });
    void this.runInstance(held, runTimes, attempt);
  }

  /** One instance runs its run times in sequence (a backlog without coalesce), as APScheduler does. */
  private async runInstance(held: HeldJob, runTimes: Date[], attempt: number): Promise<void> {
    try {
      for (const scheduledAt of runTimes) {
        const aborted = await this.runOnce(held, scheduledAt, attempt);
        if (aborted) return;
      }
    } finally {
      held.inFlight--;
      this.maybeFinalize(held);
      this.deps.onInstanceEnd();
    }
  }

  /** Returns true when the run was aborted by shutdown (nothing is recorded then). */
  private async runOnce(held: HeldJob, scheduledAt: Date, attempt: number): Promise<boolean> {
    const { job } = held;
    const registered = this.deps.handlers.get(job.action.handler);
    let events: OutboxEvent[] = [];
    let guard: () => RunGuard | BatchedGuard | null = () => null;
    let result: ExecutionResult;
    if (!registered) {
      const now = this.deps.clock.now();
      result = {
        outcome: 'error',
        error: new UnknownHandlerError(job.action.handler),
        startedAt: now,
        finishedAt: now,
      };
    } else {
      const { handler, executor } = registered;
      result = await executor.submit({
        run: (signal) => {
          const run = createRunContext(cloneJob(job), scheduledAt, this.deps.clock.now(), signal);
          events = run.events;
          guard = run.guard;
          return handler(run.context);
        },
      });
    }
    if (result.outcome === 'aborted' || held.finalized) return true;
    const { startedAt, finishedAt } = result;
    if (result.outcome === 'success') {
      held.records.push({ scheduledAt, startedAt, finishedAt, outcome: 'success', error: null, attempt });
      const check = guard();
      if (check) held.guarded.push({ guard: check, events });
      else held.events.push(...events);
      this.deps.emitter.emit('job.executed', {
        jobId: job.id,
        scheduledAt,
        startedAt: startedAt as Date,
        finishedAt,
        events,
      });
    } else {
      // A failed or timed-out run's events are discarded: only successful runs publish.
      const error = describeError(result.error, this.deps.scrubErrorText);
      held.records.push({ scheduledAt, startedAt, finishedAt, outcome: result.outcome, error, attempt });
      this.deps.emitter.emit('job.error', {
        jobId: job.id,
        scheduledAt,
        startedAt,
        finishedAt,
        outcome: result.outcome,
        error: result.error,
        attempt,
      });
      afterFailure(this.deps, held, {
        scheduledAt,
        attempt,
        failedAt: finishedAt,
        cause: result.error,
        error,
      });
    }
    return false;
  }

  private maybeFinalize(held: HeldJob): void {
    if (held.finalized || held.inFlight > 0) return;
    held.finalized = true;
    held.completion = completionOf(held);
    this.deps.complete(held.completion);
  }
}
