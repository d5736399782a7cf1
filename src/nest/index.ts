// The Nest module of the scheduler: import it from 'delayed-action-service/nest'.
export { SchedulerModule } from './scheduler.module';
export {
  ActionHandler,
  ScheduledJob,
  type ActionHandlerOptions,
  type ScheduledJobOptions,
  type TriggerParamsByType,
} from './decorators';
export type {
  DefinedJobsOptions,
  MySqlStoreOption,
  SchedulerModuleAsyncOptions,
  SchedulerModuleOptions,
  SchedulerStore,
  StoreOption,
} from './options';
export { SCHEDULER_CLOCK, SCHEDULER_RELAY, SCHEDULER_STORE } from './tokens';
export { SchedulerModuleLifecycle } from './lifecycle';
export { parseJobsFile, readJobsFile, type JobsFile } from './jobs-file';
