import type { DataSource } from 'typeorm';

import { RetentionLoop } from '../../../src/app/retention/retention-loop';
import { retentionTasks } from '../../../src/app/retention/retention-tasks';
import { MySqlProcessedCommands } from '../../../src/commands/processed-commands';
import { MySqlOrderStates } from '../../../src/orders/mysql-order-states';
import { MySqlRelayLock } from '../../../src/persistence/mysql-relay-lock';
import { tableRowEstimates } from '../../../src/persistence/table-rows';
import { toSqlTime } from '../../../src/persistence/sql-time';
import { FakeClock } from '../../../src/scheduler';
import {
  addDailyReport,
  commandEventId,
  DAY_MS,
  expectTablesLevel,
  MONTH_RETENTION,
  MONTH_START,
  monthServices,
  orderCreated,
  orderId,
  orderPaid,
  passTotals,
  RETENTION_TABLES,
  runMonth,
  scheduleCommand,
  type MonthOptions,
  type MonthResult,
  type MonthWorld,
  type TableCounts,
} from '../../support/retention-month';
import { createReplica, type Replica } from '../persistence/scheduler-replicas';
import { openStoreDatabase, type StoreDatabase } from '../persistence/store-database';

// Retention on MariaDB over a simulated month (FakeClock, no sleeping): orders, commands and
// recurring jobs through the real services and store, a retention pass every 6 hours of fake
// time, exact row counts per day. Each table levels off; what correctness needs stays.
// Time budget: the month is 960 clock steps, each waiting for the due runs to commit (~33k runs,
// ~3k ingest transactions, ~700 retention batches): ~90 s measured on the shared 2-core machine,
// a few times that when it is busier; 600 s before Jest gives up.
jest.setTimeout(600_000);

const MONTH: MonthOptions = {
  days: 30,
  cycleMinutes: 180,
  ordersPerCycle: 30,
  commandsPerCycle: 30,
  recurringJobs: 3,
  passEveryCycles: 2,
};
const BATCH = 50;

let database: StoreDatabase;
let pool: DataSource;
let replica: Replica;
let world: MonthWorld;
let month: MonthResult;
let monthMs = 0;

async function count(table: string): Promise<number> {
  const [{ n }] = (await database.admin.query(`SELECT COUNT(*) AS n FROM ${table}`)) as { n: string }[];
  return Number(n);
}

/** Fires the fake timers due now until every run due by now has committed (polling the table). */
async function settle(clock: FakeClock): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await clock.settle();
    const [{ n }] = (await database.admin.query(
      'SELECT COUNT(*) AS n FROM scheduler_jobs WHERE (next_run_time <= ? AND paused = 0) OR lease_owner IS NOT NULL',
      [toSqlTime(clock.now())],
    )) as { n: string }[];
    if (Number(n) === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${n} jobs still due or leased at ${clock.now().toISOString()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  database = await openStoreDatabase('retention_month');
  pool = await database.openPool(6);
  const clock = new FakeClock(MONTH_START);
  const states = new MySqlOrderStates(pool);
  const processed = new MySqlProcessedCommands();
  replica = createReplica(pool, clock, 'replica-1', {});
  world = {
    ...monthServices(
      replica.scheduler,
      clock,
      { jobs: replica.store, states, processed },
      {
        batchSize: BATCH,
        pauseMs: 10,
        intervalMs: 600_000,
        leadership: new MySqlRelayLock(pool, 'retention'),
      },
    ),
    clock,
    scheduler: replica.scheduler,
    settle: () => settle(clock),
    counts: async (): Promise<TableCounts> => ({
      scheduler_job_runs: await count('scheduler_job_runs'),
      order_states: await count('order_states'),
      processed_commands: await count('processed_commands'),
    }),
  };
  await addDailyReport(replica.scheduler);
  await replica.scheduler.start();
  const started = Date.now();
  month = await runMonth(world, MONTH);
  monthMs = Date.now() - started;
});

afterAll(async () => {
  if (replica?.scheduler.running) await replica.scheduler.shutdown({ wait: false });
  await world?.retention.stop();
  await database?.close();
});

it('keeps each table at about its retention days of traffic, level from the first week on', () => {
  const end = month.daily[month.daily.length - 1];
  const totals = passTotals(month.passes);
  console.info(
    `simulated month on MariaDB (${Math.round(monthMs / 1000)} s, batch ${BATCH}): written ${JSON.stringify(month.written)}, ` +
      `at the end ${JSON.stringify(end)}, pruned ${JSON.stringify(totals)}, passes ${month.passes.length}, ` +
      `daily ${JSON.stringify(month.daily.map((d) => Object.values(d)))}`,
  );
  expectTablesLevel(month, MONTH);
  for (const table of RETENTION_TABLES) expect(totals[table].batches).toBeGreaterThan(month.passes.length);
});

it('never deletes a pending order, and keeps the newest runs of a rare job beyond the age', async () => {
  expect(month.pendingOrders).toHaveLength(MONTH.days);
  for (const id of month.pendingOrders) expect(await world.orders.getStatus(id)).toBe('pending');
  const daily = await replica.store.getRunHistory('daily-report', 1000);
  expect(daily.length).toBeGreaterThanOrEqual(MONTH.days);
  const frequent = await replica.store.getRunHistory('recurring-0', 10_000);
  const oldest = Math.min(...frequent.map((r) => r.scheduledAt.getTime()));
  expect(world.clock.now().getTime() - oldest).toBeLessThanOrEqual(
    (MONTH_RETENTION.runHistoryDays + 0.25) * DAY_MS,
  );
});

it('within the duplicate window a redelivered command and created change nothing; a late payment is reported', async () => {
  const cyclesPerDay = (24 * 60) / MONTH.cycleMinutes;
  const yesterday = (MONTH.days - 1) * cyclesPerDay;
  const schedule = { ...world.commands.stats.schedule };
  await world.commands.handleBatch([scheduleCommand(commandEventId(yesterday, 0), 'reused-id', 60)]);
  expect(world.commands.stats.schedule.duplicate).toBe(schedule.duplicate + 1);
  expect(await replica.store.getJob('reused-id')).toBeNull();

  const paidOrder = orderId(yesterday, 0);
  const created = world.orders.stats.created.duplicate;
  await world.orders.handleCreated([
    orderCreated(paidOrder, new Date(world.clock.now().getTime() - DAY_MS), 1800),
  ]);
  expect(world.orders.stats.created.duplicate).toBe(created + 1);
  expect(await replica.store.getJob(`order-timeout:${paidOrder}`)).toBeNull();

  const recent = orderId(yesterday - cyclesPerDay, 7);
  expect(await world.orders.getStatus(recent)).toBe('cancelled');
  const late = world.orders.stats.paid.late;
  await world.orders.handlePaid([orderPaid(recent, world.clock.now())]);
  expect(world.orders.stats.paid.late).toBe(late + 1);

  // Past the retention the row is gone: the payment leaves a tombstone, no late payment.
  const old = orderId(cyclesPerDay, 7);
  expect(await world.orders.getStatus(old)).toBeNull();
  await world.orders.handlePaid([orderPaid(old, world.clock.now())]);
  expect(await world.orders.getStatus(old)).toBe('paid_before_created');
});

it('one replica prunes at a time: a second one waits while the first holds the retention lock', async () => {
  const other = await database.openPool(2);
  const second = new RetentionLoop(
    retentionTasks(MONTH_RETENTION, replica.store, new MySqlOrderStates(other), new MySqlProcessedCommands()),
    world.clock,
    { batchSize: BATCH, pauseMs: 0, intervalMs: 600_000, leadership: new MySqlRelayLock(other, 'retention') },
  );
  expect(await second.runPass()).toEqual([]);
  await world.retention.stop();
  expect((await second.runPass()).map((r) => r.table)).toEqual([...RETENTION_TABLES]);
  await second.stop();
});

it('reports every table of the database with an InnoDB row estimate near the count', async () => {
  for (const table of RETENTION_TABLES) await database.admin.query(`ANALYZE TABLE ${table}`);
  const estimates = await tableRowEstimates(pool);
  expect(Object.keys(estimates)).toEqual(
    expect.arrayContaining([
      'scheduler_jobs',
      'scheduler_job_runs',
      'scheduler_outbox',
      'order_states',
      'processed_commands',
    ]),
  );
  for (const table of RETENTION_TABLES) {
    const exact = await count(table);
    expect({ table, estimate: estimates[table] }).toEqual({ table, estimate: expect.any(Number) });
    expect(Math.abs(estimates[table] - exact)).toBeLessThanOrEqual(Math.max(50, exact * 0.5));
  }
});
