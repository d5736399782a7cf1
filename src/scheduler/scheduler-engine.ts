import { Backoff } from './backoff';
import { reportCommittedRuns } from './committed-runs';
import { CompletionBatcher } from './completion-batcher';
import { TypedEmitter, type SchedulerEventMap } from './events';
import type { Executor } from './executor/executor';
import { InProcessExecutor } from './executor/in-process-executor';
import { HandlerRegistry } from './handler-registry';
import { RunDispatcher } from './run-dispatcher';
import { SchedulerLoop, type LoopMode } from './scheduler-loop';
import type { ResolvedSchedulerOptions } from './scheduler-options';

/** The parts that run jobs, wired to one another; the Scheduler owns them and their lifecycle. */
export interface SchedulerEngine {
  emitter: TypedEmitter<SchedulerEventMap>;
  /** By name; `default` is the in-process one unless replaced. */
  executors: ReadonlyMap<string, Executor>;
  handlers: HandlerRegistry;
  dispatcher: RunDispatcher;
  batcher: CompletionBatcher;
  loop: SchedulerLoop;
}

/** What the engine asks of the Scheduler's state (running, paused, healthy). */
export interface SchedulerEngineHooks {
  mode(): LoopMode;
  isRunning(): boolean;
  /** Reads the stored scheduler-wide pause flag (and remembers it as last seen). */
  pausedEverywhere(): Promise<boolean>;
  /** A store call succeeded: the scheduler is healthy again. */
  recovered(): void;
  fail(during: string, error: unknown): void;
}

export function buildSchedulerEngine(
  o: ResolvedSchedulerOptions,
  hooks: SchedulerEngineHooks,
): SchedulerEngine {
  const { clock, store, owner } = o;
  // A throwing listener is reported, never allowed to break the engine's own flow.
  const emitter: TypedEmitter<SchedulerEventMap> = new TypedEmitter<SchedulerEventMap>((name, error) => {
    if (name !== 'scheduler.error')
      emitter.emit('scheduler.error', { during: `listener of ${String(name)}`, error });
  });
  const main =
    o.executor ??
    new InProcessExecutor({ clock, maxConcurrency: o.maxConcurrency, timeoutMs: o.runTimeoutMs });
  const executors = new Map([...Object.entries(o.executors), ['default', main]]);
  const handlers = new HandlerRegistry(executors);
  // The dispatcher, batcher and loop call one another; each callback runs only after all exist.
  const dispatcher: RunDispatcher = new RunDispatcher({
    store,
    clock,
    executors: [...executors.values()],
    handlers,
    emitter,
    random: o.random,
    retryPolicy: o.retryPolicy,
    deadLetterTopic: o.deadLetterTopic,
    scrubErrorText: o.scrubErrorText,
    complete: (completion) => batcher.add(completion),
    onInstanceEnd: () => loop.runEnded(),
  });
  const batcher: CompletionBatcher = new CompletionBatcher({
    store,
    owner,
    clock,
    maxBatch: o.batchSize,
    backoff: new Backoff(o.backoffMs, o.maxBackoffMs),
    onCommitted: (batch, result) => {
      reportCommittedRuns(batch, result, { emitter, dispatcher, loop });
      hooks.recovered();
      loop.runEnded();
    },
    onError: (error) => hooks.fail('complete runs', error),
  });
  const loop: SchedulerLoop = new SchedulerLoop({
    options: o,
    dispatcher,
    awaitingCommit: () => batcher.pending,
    mode: () => hooks.mode(),
    pausedEverywhere: () => hooks.pausedEverywhere(),
    onSuccess: () => {
      if (batcher.pending === 0 || !hooks.isRunning()) hooks.recovered();
    },
    onFailure: (during, error) => hooks.fail(during, error),
  });
  return { emitter, executors, handlers, dispatcher, batcher, loop };
}
