import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { CommandsModule } from '../../commands/commands.module';
import {
  MemoryProcessedCommands,
  PROCESSED_COMMANDS,
  type ProcessedCommands,
} from '../../commands/processed-commands';
import { SOLE_RELAY } from '../../messaging/relay-leadership';
import { OrdersModule } from '../../orders/orders.module';
import { MemoryOrderStates, ORDER_STATES, type OrderStates } from '../../orders/order-states';
import { MySqlRelayLock } from '../../persistence/mysql-relay-lock';
import { tableRowEstimates } from '../../persistence/table-rows';
import { type Clock, MemoryJobStore } from '../../scheduler';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import type { ServiceStore } from '../scheduler/scheduler.module';
import { CLOCK, JOB_STORE } from '../scheduler/tokens';
import { RetentionLoop } from './retention-loop';
import { retentionTasks } from './retention-tasks';

const TABLE_ROWS = Symbol('TABLE_ROWS');
type TableRows = () => Promise<Record<string, number>>;

/** Scrapes closer together than this reuse the last counts. */
const ROWS_MIN_INTERVAL_MS = 10_000;

@Injectable()
class RetentionLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private lastCounted = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly loop: RetentionLoop,
    private readonly metrics: MetricsService,
    @Inject(TABLE_ROWS) private readonly tableRows: TableRows,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape('table_rows', async () => {
      if (Date.now() - this.lastCounted < ROWS_MIN_INTERVAL_MS) return;
      this.lastCounted = Date.now();
      for (const [table, rows] of Object.entries(await this.tableRows()))
        this.metrics.tableRows.set({ table }, rows);
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }
}

/**
 * Bounded tables (docs/operations.md, Retention): the pruning loop, elected across replicas by
 * its own MySQL named lock, and the row-count metrics.
 */
@Module({
  imports: [OrdersModule, CommandsModule],
  providers: [
    {
      provide: RetentionLoop,
      inject: [
        AppConfig,
        JOB_STORE,
        CLOCK,
        ORDER_STATES,
        PROCESSED_COMMANDS,
        MetricsService,
        { token: DataSource, optional: true },
      ],
      useFactory: (
        c: AppConfig,
        store: ServiceStore,
        clock: Clock,
        orders: OrderStates,
        commands: ProcessedCommands,
        metrics: MetricsService,
        dataSource?: DataSource,
      ): RetentionLoop => {
        return new RetentionLoop(retentionTasks(c.retention, store, orders, commands), clock, {
          batchSize: c.retention.batchSize,
          pauseMs: c.retention.batchPauseMs,
          intervalMs: c.retention.intervalSeconds * 1000,
          leadership: dataSource ? new MySqlRelayLock(dataSource, 'retention') : SOLE_RELAY,
          onPruned: (table, rows) => metrics.retentionPruned.inc({ table }, rows),
          onPass: (reports) => {
            for (const r of reports) metrics.retentionPassSeconds.set({ table: r.table }, r.ms / 1000);
          },
          logger: new Logger('retention'),
        });
      },
    },
    {
      provide: TABLE_ROWS,
      inject: [JOB_STORE, ORDER_STATES, PROCESSED_COMMANDS, { token: DataSource, optional: true }],
      useFactory:
        (
          store: ServiceStore,
          orders: OrderStates,
          commands: ProcessedCommands,
          dataSource?: DataSource,
        ): TableRows =>
        async () => {
          if (dataSource) return tableRowEstimates(dataSource);
          return {
            ...(store instanceof MemoryJobStore ? store.rowCounts() : {}),
            ...(orders instanceof MemoryOrderStates ? { order_states: orders.size } : {}),
            ...(commands instanceof MemoryProcessedCommands ? { processed_commands: commands.size } : {}),
          };
        },
    },
    RetentionLifecycle,
  ],
  exports: [RetentionLoop],
})
export class RetentionModule {}
