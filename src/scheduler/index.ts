// The engine's public API. Adapters (persistence, messaging, admin) import from here.
export { Scheduler, type AddJobsResult, type RunNowResult } from './scheduler';
export type { SchedulerOptions } from './scheduler-options';
export { describeError, hideUrlCredentials, type ErrorTextScrubber } from './error-text';
export { SchedulerTransaction, type TransactionAddJobsResult } from './scheduler-transaction';
export { TransactionalMap } from './memory/transactional-map';
export type { SchedulerEventMap, SchedulerEventName, Listener } from './events';
export { TypedEmitter } from './events';
export type { ActionHandler, HandlerOptions, RegisteredHandler, RunContext, EmitMessage } from './handlers';
export { MemoryJobStore, type MemoryJobStoreOptions } from './memory/memory-job-store';
export { MemorySchedulerState } from './memory/memory-scheduler-state';
export type { SchedulerStateStore } from './ports/scheduler-state';
export { SystemClock } from './clocks/system-clock';
export { FakeClock } from './clocks/fake-clock';
export type { Executor, ExecutionTask, ExecutionResult, ExecutionOutcome } from './executor/executor';
export { InProcessExecutor, type InProcessExecutorOptions } from './executor/in-process-executor';
export {
  runModuleHere,
  type ModuleCall,
  type ModuleRunner,
  type WorkerEvent,
  type WorkerFunction,
  type WorkerModule,
  type WorkerRunInput,
  type WorkerRunOutput,
} from './executor/worker-module';
export { MAX_DUE_RUNS } from './due-runs';
export { MAX_JOB_ID_LENGTH } from './job-builder';
export * from './errors';
export * from './job';
export {
  APSCHEDULER_JOB_OPTION_NAMES,
  camelJobOptions,
  type ApschedulerJobOptionNames,
} from './validation/job-option-names';
export * from './outbox';
export type { Clock } from './ports/clock';
export type * from './ports/job-store';
export type * from './ports/outbox-store';
export { triggerFromJSON } from './triggers';
export type * from './triggers/trigger';
export type { RandomSource, TriggerOptions } from './triggers';
export {
  DEFAULT_RETRY_POLICY,
  nextAttemptAt,
  resolveRetryPolicy,
  retryDelayMs,
  type RetryPolicy,
} from './retry-policy';
export * from './definitions';
