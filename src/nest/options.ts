import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';

import type { EventBus } from '../messaging/event-bus';
import type { OutboxRelayOptions } from '../messaging/outbox-relay';
import type {
  Clock,
  HandlerOptions,
  JobStore,
  OutboxStore,
  SchedulerOptions,
  WorkerModule,
} from '../scheduler';

export type SchedulerStore = JobStore & OutboxStore;

/** MySQL 8 / MariaDB 10.11 from a URL; the module owns the connection pool. */
export interface MySqlStoreOption {
  type: 'mysql';
  url: string;
  /** Run the migrations at start (under a lock, so replicas starting together run them once). */
  migrate?: boolean;
}

/**
 * 'memory' (default), MySQL from a URL, a store, or a function building one on the module's clock.
 */
export type StoreOption = 'memory' | MySqlStoreOption | SchedulerStore | ((clock: Clock) => SchedulerStore);

export interface DefinedJobsOptions {
  /**
   * The definition source name of the jobs declared with @ScheduledJob (default `code`). Apps
   * sharing one database need different names, or each would remove the other's jobs.
   */
  source?: string;
  /**
   * Version of the definitions in code (default 0). Raise it with each deploy that changes them:
   * a replica of an older version starting late never reverts a newer set (docs/library.md).
   */
  version?: number;
  /** A jobs file (JSON or YAML, APScheduler's names), reconciled as source `file` (SCHEDULER_JOBS_FILE). */
  file?: string;
}

export interface SchedulerModuleOptions {
  store?: StoreOption;
  clock?: Clock;
  /** Engine options (replica id, lease, batch size, concurrency, timeouts, retry policy, …). */
  scheduler?: Omit<SchedulerOptions, 'store' | 'clock'>;
  /**
   * Where runs' emitted events are published: an outbox relay runs in this app, publishing the
   * committed events to this bus (Kafka or memory). Leave it out when something else relays them.
   */
  eventBus?: EventBus;
  relay?: Partial<OutboxRelayOptions>;
  jobs?: DefinedJobsOptions;
  /**
   * Named actions whose code is a worker module (a file and its export), for CPU-bound work on an
   * executor of `scheduler.executors`, e.g. `{ executor: 'pool' }` with a WorkerPoolExecutor
   * (APScheduler's ProcessPoolExecutor; docs/executors.md). A decorated method cannot be one:
   * functions do not cross threads, file names do.
   */
  workerHandlers?: Record<string, { module: WorkerModule } & HandlerOptions>;
  /** Start with firing paused (APScheduler's `start(paused=True)`). */
  startPaused?: boolean;
  /** Register the module globally (default true: one scheduler per app). */
  isGlobal?: boolean;
}

export interface SchedulerModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (
    ...args: never[]
  ) => Omit<SchedulerModuleOptions, 'isGlobal'> | Promise<Omit<SchedulerModuleOptions, 'isGlobal'>>;
  inject?: FactoryProvider['inject'];
  isGlobal?: boolean;
}
