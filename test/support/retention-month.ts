// A simulated month of traffic for the retention tests (memory stores in the unit tier, MariaDB in
// the integration tier): orders created, paid in time, timed out and paid late; generic commands
// scheduled, fired and cancelled; recurring jobs; a retention pass every few cycles. Time moves
// only through the FakeClock.

import { CommandsService } from '../../src/commands/commands.service';
import type { SchedulerCommandDto } from '../../src/commands/dto/scheduler-command.dto';
import type { ProcessedCommands } from '../../src/commands/processed-commands';
import type { InboundMessage } from '../../src/messaging/inbound/inbound-message';
import { inboundMessage } from './inbound-message';
import { registerPublishHandler } from '../../src/messaging/publish-handler';
import type { OrderCreatedDto, OrderPaidDto } from '../../src/orders/dto/order-events.dto';
import { ORDER_TIMEOUT_HANDLER } from '../../src/orders/order-state';
import type { OrderStates } from '../../src/orders/order-states';
import { orderTimeoutHandler } from '../../src/orders/order-timeout';
import { OrdersService } from '../../src/orders/orders.service';
import {
  RetentionLoop,
  type RetentionLoopOptions,
  type TableReport,
} from '../../src/app/retention/retention-loop';
import { retentionTasks, type RetentionSettings } from '../../src/app/retention/retention-tasks';
import type { FakeClock, JobStore, Scheduler } from '../../src/scheduler';

export const RETENTION_TABLES = ['scheduler_job_runs', 'order_states', 'processed_commands'] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];
export type TableCounts = Record<RetentionTable, number>;

export interface MonthWorld {
  clock: FakeClock;
  scheduler: Scheduler;
  orders: OrdersService;
  commands: CommandsService;
  retention: RetentionLoop;
  /** Returns once every run due by the clock's time has committed. */
  settle(): Promise<void>;
  /** Exact rows per table. */
  counts(): Promise<TableCounts>;
}

export interface MonthOptions {
  days: number;
  /** One cycle: orders and commands arrive at its start; 4 clock steps per cycle. */
  cycleMinutes: number;
  ordersPerCycle: number;
  commandsPerCycle: number;
  /** Recurring jobs, each firing twice per cycle (interval cycleMinutes / 2). */
  recurringJobs: number;
  /** A retention pass every this many cycles. */
  passEveryCycles: number;
}

export interface MonthResult {
  /** Rows at the end of each day (after that day's passes). */
  daily: TableCounts[];
  passes: TableReport[][];
  /** Rows written over the month: what each table would hold without retention. */
  written: TableCounts;
  /** Orders kept pending for the whole month (a timeout longer than the month). */
  pendingOrders: string[];
}

export const MONTH_START = new Date('2030-03-01T00:00:00.000Z');
export const DAY_MS = 86_400_000;

/** The retention both tiers' months run with. */
export const MONTH_RETENTION: RetentionSettings = {
  runHistoryDays: 7,
  runHistoryKeepLast: 50,
  orderStatesDays: 7,
  processedCommandsDays: 3,
};

/**
 * The services a month drives, over whichever stores the tier uses: registers the order timeout,
 * noop and publish handlers on `scheduler` (before it starts) and builds orders, commands and retention.
 */
export function monthServices(
  scheduler: Scheduler,
  clock: FakeClock,
  stores: { jobs: JobStore; states: OrderStates; processed: ProcessedCommands },
  retention: RetentionLoopOptions,
): Pick<MonthWorld, 'orders' | 'commands' | 'retention'> {
  const { jobs, states, processed } = stores;
  scheduler.registerHandler(
    ORDER_TIMEOUT_HANDLER,
    orderTimeoutHandler({ cancel: 'c', restock: 'r', latePayment: 'l' }, states, clock),
  );
  scheduler.registerHandler('noop', () => undefined);
  registerPublishHandler(scheduler);
  return {
    orders: new OrdersService(scheduler, states, clock, {
      defaultTimeoutSeconds: 1800,
      latePaymentTopic: 'l',
    }),
    commands: new CommandsService(scheduler, processed, clock),
    retention: new RetentionLoop(retentionTasks(MONTH_RETENTION, jobs, states, processed), clock, retention),
  };
}

/** A job firing once a day: fewer runs in the age than keep-last, so its whole month stays. */
export async function addDailyReport(scheduler: Scheduler): Promise<void> {
  await scheduler.addJob({
    id: 'daily-report',
    trigger: { type: 'interval', days: 1, startDate: MONTH_START.toISOString() },
    action: { handler: 'noop' },
  });
}

/**
 * Each table ends the month holding about its retention days of traffic (plus the orders pending
 * all month), never held more once it filled up, and lost exactly what the passes pruned.
 */
export function expectTablesLevel(month: MonthResult, options: MonthOptions): void {
  const days: Record<RetentionTable, number> = {
    scheduler_job_runs: MONTH_RETENTION.runHistoryDays,
    order_states: MONTH_RETENTION.orderStatesDays,
    processed_commands: MONTH_RETENTION.processedCommandsDays,
  };
  const end = month.daily[month.daily.length - 1];
  const totals = passTotals(month.passes);
  for (const table of RETENTION_TABLES) {
    const perDay = month.written[table] / options.days;
    // Rows are deleted once older than the retention, at the next pass: between `days` and
    // `days + 0.25` days of traffic stay (passes every 6 h), plus the orders pending all month.
    const pending = table === 'order_states' ? month.pendingOrders.length : 0;
    expect({ table, rows: end[table] }).toEqual({ table, rows: expect.any(Number) });
    expect(end[table]).toBeGreaterThanOrEqual(Math.floor(perDay * (days[table] - 0.1)));
    expect(end[table]).toBeLessThanOrEqual(Math.ceil(perDay * (days[table] + 0.35)) + pending);
    // Level: the last two weeks never hold more than the first day after the table filled up.
    const settled = month.daily.slice(days[table] + 1).map((c) => c[table]);
    expect(Math.max(...settled)).toBeLessThanOrEqual(Math.ceil(perDay * (days[table] + 0.35)) + pending);
    expect(totals[table].rows + end[table]).toBe(month.written[table]);
  }
}

export function orderCreated(
  orderId: string,
  createdAt: Date,
  timeoutSeconds: number,
): InboundMessage<OrderCreatedDto> {
  return inboundMessage<OrderCreatedDto>('orders.created', {
    eventId: `created-${orderId}`,
    orderId,
    createdAt: createdAt.toISOString(),
    items: [{ skuId: 'sku-1', quantity: 1 }],
    paymentTimeoutSeconds: timeoutSeconds,
  });
}

export function orderPaid(orderId: string, paidAt: Date): InboundMessage<OrderPaidDto> {
  return inboundMessage<OrderPaidDto>('orders.paid', {
    eventId: `paid-${orderId}`,
    orderId,
    paidAt: paidAt.toISOString(),
  });
}

export function scheduleCommand(
  eventId: string,
  jobId: string,
  delaySeconds: number,
): InboundMessage<SchedulerCommandDto> {
  return inboundMessage<SchedulerCommandDto>('scheduler.commands', {
    eventId,
    type: 'schedule',
    jobId,
    delaySeconds,
    target: { topic: 'reminders', key: jobId, value: { jobId } },
  } as SchedulerCommandDto);
}

export function cancelCommand(eventId: string, jobId: string): InboundMessage<SchedulerCommandDto> {
  return inboundMessage<SchedulerCommandDto>('scheduler.commands', {
    eventId,
    type: 'cancel',
    jobId,
  } as SchedulerCommandDto);
}

export const orderId = (cycle: number, i: number): string => `o-${cycle}-${i}`;
export const commandEventId = (cycle: number, i: number): string => `cmd-${cycle}-${i}`;

/**
 * Per cycle of C minutes: `ordersPerCycle` orders at its start with a C/2 payment timeout (60%
 * paid at C/6, the rest cancelled at C/2, a quarter of those paid late at 2C/3), plus one order a
 * day whose timeout outlasts the month; `commandsPerCycle` schedule commands due at C/10 and one
 * cancel of the last of them; recurring jobs every C/2. Settles at every step; a retention pass
 * every `passEveryCycles` cycles.
 */
export async function runMonth(world: MonthWorld, o: MonthOptions): Promise<MonthResult> {
  const { clock, scheduler } = world;
  const stepMs = (o.cycleMinutes * 60_000) / 6;
  const cyclesPerDay = (24 * 60) / o.cycleMinutes;
  const written: TableCounts = { scheduler_job_runs: 0, order_states: 0, processed_commands: 0 };
  const result: MonthResult = { daily: [], passes: [], written, pendingOrders: [] };
  for (let j = 0; j < o.recurringJobs; j++)
    await scheduler.addJob({
      id: `recurring-${j}`,
      trigger: { type: 'interval', minutes: o.cycleMinutes / 2, startDate: clock.now().toISOString() },
      action: { handler: 'noop' },
    });
  const runsBefore = await world.counts();
  for (let cycle = 0; cycle < o.days * cyclesPerDay; cycle++) {
    const start = clock.now();
    const ids = Array.from({ length: o.ordersPerCycle }, (_, i) => orderId(cycle, i));
    const created = ids.map((id) => orderCreated(id, start, o.cycleMinutes * 30));
    if (cycle % cyclesPerDay === 0) {
      const longId = `long-${cycle}`;
      result.pendingOrders.push(longId);
      created.push(orderCreated(longId, start, 40 * 86_400));
    }
    await world.orders.handleCreated(created);
    written.order_states += created.length;
    const commands = Array.from({ length: o.commandsPerCycle }, (_, i) =>
      scheduleCommand(commandEventId(cycle, i), `reminder-${cycle}-${i}`, o.cycleMinutes * 6),
    );
    commands.push(cancelCommand(`cancel-${cycle}`, `reminder-${cycle}-${o.commandsPerCycle - 1}`));
    await world.commands.handleBatch(commands);
    written.processed_commands += commands.length;

    const paidInTime = ids.filter((_, i) => i % 10 < 6);
    const unpaid = ids.filter((_, i) => i % 10 >= 6);
    await clock.setAsync(start.getTime() + stepMs);
    await world.settle();
    await world.orders.handlePaid(paidInTime.map((id) => orderPaid(id, clock.now())));
    await clock.setAsync(start.getTime() + 3 * stepMs);
    await world.settle();
    await clock.setAsync(start.getTime() + 4 * stepMs);
    await world.settle();
    await world.orders.handlePaid(
      unpaid.filter((_, i) => i % 4 === 0).map((id) => orderPaid(id, clock.now())),
    );
    await clock.setAsync(start.getTime() + 6 * stepMs);
    await world.settle();

    if ((cycle + 1) % o.passEveryCycles === 0) result.passes.push(await world.retention.runPass());
    if ((cycle + 1) % cyclesPerDay === 0) result.daily.push(await world.counts());
  }
  const end = await world.counts();
  const pruned = (table: RetentionTable): number =>
    result.passes.flat().reduce((sum, r) => sum + (r.table === table ? r.rows : 0), 0);
  written.scheduler_job_runs =
    end.scheduler_job_runs + pruned('scheduler_job_runs') - runsBefore.scheduler_job_runs;
  return result;
}

/** Totals over the month's passes, per table: rows, batches, and the slowest pass. */
export function passTotals(
  passes: TableReport[][],
): Record<string, { rows: number; batches: number; maxMs: number; totalMs: number }> {
  const totals: Record<string, { rows: number; batches: number; maxMs: number; totalMs: number }> = {};
  for (const report of passes.flat()) {
    const t = (totals[report.table] ??= { rows: 0, batches: 0, maxMs: 0, totalMs: 0 });
    t.rows += report.rows;
    t.batches += report.batches;
    t.maxMs = Math.max(t.maxMs, report.ms);
    t.totalMs += report.ms;
  }
  return totals;
}
