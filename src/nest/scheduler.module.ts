import { type DynamicModule, Logger, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DataSource } from 'typeorm';

import { OutboxRelay } from '../messaging/outbox-relay';
import { EVERY_SHARD_HERE } from '../messaging/relay-leadership';
import { dataSourceOptions, runMigrations } from '../persistence/data-source';
import { MySqlJobStore } from '../persistence/mysql-job-store';
import { MySqlRelayShares } from '../persistence/mysql-relay-shares';
import { MySqlSchedulerState } from '../persistence/mysql-scheduler-state';
import { type Clock, MemoryJobStore, Scheduler, SystemClock } from '../scheduler';
import { DecoratedJobsExplorer } from './explorer';
import { SchedulerModuleLifecycle } from './lifecycle';
import type { SchedulerModuleAsyncOptions, SchedulerModuleOptions, SchedulerStore } from './options';
import { SCHEDULER_CLOCK, SCHEDULER_MODULE_OPTIONS, SCHEDULER_RELAY, SCHEDULER_STORE } from './tokens';

interface BuiltStore {
  store: SchedulerStore;
  dataSource: DataSource | null;
}

async function buildStore(options: SchedulerModuleOptions, clock: Clock): Promise<BuiltStore> {
  const store = options.store ?? 'memory';
  if (store === 'memory') return { store: new MemoryJobStore({ clock }), dataSource: null };
  if (typeof store === 'function') return { store: store(clock), dataSource: null };
  if ('type' in store && store.type === 'mysql') {
    const dataSource = new DataSource(dataSourceOptions(store.url));
    if (store.migrate) await runMigrations(dataSource);
    return { store: new MySqlJobStore(dataSource, clock, { ownsDataSource: true }), dataSource };
  }
  return { store: store as SchedulerStore, dataSource: null };
}

const BUILT_STORE = Symbol('SCHEDULER_BUILT_STORE');

/** Everything but the options provider: the same for forRoot and forRootAsync. */
function providers(): Provider[] {
  return [
    {
      provide: SCHEDULER_CLOCK,
      inject: [SCHEDULER_MODULE_OPTIONS],
      useFactory: (o: SchedulerModuleOptions): Clock => o.clock ?? new SystemClock(),
    },
    {
      provide: BUILT_STORE,
      inject: [SCHEDULER_MODULE_OPTIONS, SCHEDULER_CLOCK],
      useFactory: buildStore,
    },
    { provide: SCHEDULER_STORE, inject: [BUILT_STORE], useFactory: (b: BuiltStore) => b.store },
    {
      provide: Scheduler,
      inject: [SCHEDULER_MODULE_OPTIONS, BUILT_STORE, SCHEDULER_CLOCK],
      useFactory: (o: SchedulerModuleOptions, built: BuiltStore, clock: Clock) =>
        new Scheduler({
          // With MySQL the scheduler-wide pause is stored, so every replica sees it.
          state: built.dataSource ? new MySqlSchedulerState(built.dataSource) : undefined,
          ...o.scheduler,
          store: built.store,
          clock,
        }),
    },
    {
      provide: SCHEDULER_RELAY,
      inject: [SCHEDULER_MODULE_OPTIONS, BUILT_STORE, SCHEDULER_CLOCK, Scheduler],
      useFactory: (o: SchedulerModuleOptions, built: BuiltStore, clock: Clock, scheduler: Scheduler) => {
        if (!o.eventBus) return null;
        const relay = new OutboxRelay(
          built.store,
          o.eventBus,
          clock,
          {
            batchSize: 500,
            pollMs: 500,
            retentionHours: 24,
            downAfterMs: 30_000,
            shares: built.dataSource ? new MySqlRelayShares(built.dataSource) : EVERY_SHARD_HERE,
            ...o.relay,
          },
          undefined,
          new Logger('outbox'),
        );
        // Committed events wake the relay instead of waiting out its poll.
        scheduler.on('runs.committed', (e) => e.events > 0 && relay.wake());
        scheduler.on('transaction.committed', (e) => e.events > 0 && relay.wake());
        return relay;
      },
    },
    DecoratedJobsExplorer,
    SchedulerModuleLifecycle,
  ];
}

const EXPORTS = [Scheduler, SCHEDULER_CLOCK, SCHEDULER_STORE, SCHEDULER_RELAY, SchedulerModuleLifecycle];

/**
 * The engine as a Nest module: `SchedulerModule.forRoot({ store, eventBus, jobs })` or
 * `forRootAsync({ inject, useFactory })`. Providers' @ActionHandler and @ScheduledJob methods are
 * found at start; the scheduler starts once the app is bootstrapped and stops gracefully (runs in
 * flight finish and commit) on shutdown (call app.enableShutdownHooks() for SIGTERM).
 */
@Module({})
export class SchedulerModule {
  static forRoot(options: SchedulerModuleOptions = {}): DynamicModule {
    return {
      module: SchedulerModule,
      global: options.isGlobal ?? true,
      imports: [DiscoveryModule],
      providers: [{ provide: SCHEDULER_MODULE_OPTIONS, useValue: options }, ...providers()],
      exports: EXPORTS,
    };
  }

  static forRootAsync(options: SchedulerModuleAsyncOptions): DynamicModule {
    return {
      module: SchedulerModule,
      global: options.isGlobal ?? true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        { provide: SCHEDULER_MODULE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        ...providers(),
      ],
      exports: EXPORTS,
    };
  }
}
