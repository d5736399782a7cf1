import { Backoff } from './backoff';
import type { RunDispatcher } from './run-dispatcher';
import type { ResolvedSchedulerOptions } from './scheduler-options';

export type LoopMode = 'running' | 'paused' | 'draining' | 'stopped';

export interface SchedulerLoopDeps {
  options: ResolvedSchedulerOptions;
  dispatcher: RunDispatcher;
  /** Completions handed over and not yet committed. */
  awaitingCommit(): number;
  mode(): LoopMode;
  /** Reads the scheduler-wide pause flag (stored: another replica may have set it). */
  pausedEverywhere(): Promise<boolean>;
  onSuccess(): void;
  onFailure(during: string, error: unknown): void;
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The wake-up loop: extend leases of held jobs, run what fell due on held jobs, acquire due jobs,
 * then sleep until the earliest of: the store's next run time (but at least `minPollMs` after a
 * look that claimed jobs), a held job's next run time, the next lease extension, `maxPollMs`. Woken early by local changes and freed capacity. A failing
 * store call never ends the loop: it backs off and tries again.
 */
export class SchedulerLoop {
  private readonly backoff: Backoff;
  private wakeRequested = false;
  private wakeSleeper: (() => void) | null = null;
  private plannedWake = Number.POSITIVE_INFINITY;
  /** The last look acquired nothing for lack of executor capacity: wake when a run ends. */
  private throttled = false;

  constructor(private readonly deps: SchedulerLoopDeps) {
    this.backoff = new Backoff(deps.options.backoffMs, deps.options.maxBackoffMs);
  }

  async run(): Promise<void> {
    for (;;) {
      const mode = this.deps.mode();
      if (mode === 'stopped' || (mode === 'draining' && this.deps.dispatcher.inFlight === 0)) return;
      const wakeAt = await this.tick(mode);
      await this.sleepUntil(wakeAt);
    }
  }

  /** Look again now (or as soon as the current look ends). */
  wake(): void {
    if (this.wakeSleeper) this.wakeSleeper();
    else this.wakeRequested = true;
  }

  /** Look again if `time` comes before the planned wake-up (a job added or changed here). */
  wakeFor(time: Date | null): void {
    if (time === null) return;
    if (!this.wakeSleeper || time.getTime() < this.plannedWake) this.wake();
  }

  /** A run ended or a completion committed: capacity may be free again. */
  runEnded(): void {
    if (this.throttled || this.deps.mode() === 'draining') this.wake();
  }

  private async tick(current: LoopMode): Promise<number> {
    const { options, dispatcher } = this.deps;
    const { store, clock } = options;
    const now = clock.now();
    const t = now.getTime();
    let mode = current;
    try {
      await this.extendLeases(t);
      // Read before every look: a pause made through any replica stops this one too.
      if (mode === 'running' && (await this.deps.pausedEverywhere())) mode = 'paused';
      // Held jobs' next run times and lease extensions, read after this look admitted new ones.
      const heldWake = (): number =>
        Math.min(
          t + options.maxPollMs,
          this.nextExtensionAt(),
          mode === 'running' ? dispatcher.nextHeldDue() : Infinity,
        );
      if (mode !== 'running') {
        this.succeeded();
        return heldWake();
      }
      await dispatcher.processHeldDue(now);
      // Acquire no more than can start soon (leases of jobs waiting in a long queue would expire)
      // and no more than commits can keep up with: two batches committing and one gathering.
      // Claiming further ahead only makes every claim scan past more leased rows.
      const limit = Math.min(
        options.batchSize,
        dispatcher.capacity + options.batchSize - dispatcher.pendingRuns,
        3 * options.batchSize - this.deps.awaitingCommit(),
      );
      this.throttled = limit <= 0;
      let storeNext = Number.POSITIVE_INFINITY;
      if (limit > 0) {
        const leaseUntil = t + options.leaseMs;
        const jobs = await store.acquireDueJobs({
          owner: options.owner,
          now,
          limit,
          leaseUntil: new Date(leaseUntil),
        });
        for (const job of jobs) dispatcher.admit(job, leaseUntil);
        if (jobs.length === limit) {
          this.succeeded();
          return t; // a full batch: more may be due
        }
        const next = await store.getNextRunTime();
        // Jobs were just claimed, so more are likely falling due one after another: gather them.
        if (next !== null)
          storeNext = jobs.length > 0 ? Math.max(next.getTime(), t + options.minPollMs) : next.getTime();
      }
      this.succeeded();
      return Math.min(storeNext, heldWake());
    } catch (error) {
      this.deps.onFailure('loop', error);
      return t + this.backoff.next();
    }
  }

  private succeeded(): void {
    this.backoff.reset();
    this.deps.onSuccess();
  }

  /** Push out leases due for it (half their span left), so no replica reclaims a job still running. */
  private async extendLeases(t: number): Promise<void> {
    const { options, dispatcher } = this.deps;
    const ids: string[] = [];
    for (const held of dispatcher.held.values()) {
      if (held.leaseUntil - t <= options.leaseMs / 2) ids.push(held.job.id);
    }
    if (ids.length === 0) return;
    const leaseUntil = t + options.leaseMs;
    await options.store.extendLeases(options.owner, ids, new Date(leaseUntil));
    for (const id of ids) {
      const held = dispatcher.held.get(id);
      if (held) held.leaseUntil = leaseUntil;
    }
  }

  private nextExtensionAt(): number {
    let min = Number.POSITIVE_INFINITY;
    const half = this.deps.options.leaseMs / 2;
    for (const held of this.deps.dispatcher.held.values()) min = Math.min(min, held.leaseUntil - half);
    return min;
  }

  private sleepUntil(wakeAt: number): Promise<void> {
    if (this.wakeRequested || wakeAt <= this.deps.options.clock.now().getTime()) {
      this.wakeRequested = false;
      // Yield a full turn so timers and I/O get their share while the loop catches up.
      return yieldTurn();
    }
    return new Promise((resolve) => {
      let cancel: (() => void) | null = null;
      const done = (): void => {
        cancel?.();
        this.wakeSleeper = null;
        this.plannedWake = Number.POSITIVE_INFINITY;
        resolve();
      };
      this.wakeSleeper = done;
      this.plannedWake = wakeAt;
      cancel = this.deps.options.clock.setTimer(new Date(wakeAt), done);
    });
  }
}
