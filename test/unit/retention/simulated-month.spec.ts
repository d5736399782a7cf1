import { MemoryProcessedCommands } from '../../../src/commands/processed-commands';
import { SOLE_RELAY } from '../../../src/messaging/relay-leadership';
import { MemoryOrderStates } from '../../../src/orders/order-states';
import { FakeClock, MemoryJobStore, Scheduler } from '../../../src/scheduler';
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
} from '../../support/retention-month';

// A month of traffic on the memory stores under a FakeClock, with retention passes: every table
// levels off at what its retention keeps, and what correctness needs is still there.
// Time budget: ~10 s on an idle machine (2,880 clock steps, each letting the loop settle); 120 s
// leaves room for the shared, loaded 2-core machine.
jest.setTimeout(120_000);

const MONTH: MonthOptions = {
  days: 30,
  cycleMinutes: 60,
  ordersPerCycle: 10,
  commandsPerCycle: 12,
  recurringJobs: 3,
  passEveryCycles: 6,
};

function memoryWorld(): MonthWorld & { store: MemoryJobStore; states: MemoryOrderStates } {
  // Fewer event-loop turns per timer than the default 50: the memory store's chains are short.
  const clock = new FakeClock(MONTH_START, 20);
  const store = new MemoryJobStore({ clock });
  // A single replica hears about every add: a long poll keeps a month to a few thousand loop ticks.
  const scheduler = new Scheduler({ store, clock, owner: 'r1', maxPollMs: 6 * 3_600_000 });
  const states = new MemoryOrderStates();
  const processed = new MemoryProcessedCommands();
  const services = monthServices(
    scheduler,
    clock,
    { jobs: store, states, processed },
    { batchSize: 50, pauseMs: 0, intervalMs: 600_000, leadership: SOLE_RELAY },
  );
  return {
    ...services,
    clock,
    scheduler,
    store,
    states,
    settle: () => clock.settle(),
    counts: async () => ({
      scheduler_job_runs: store.rowCounts().scheduler_job_runs,
      order_states: states.size,
      processed_commands: processed.size,
    }),
  };
}

describe('retention over a simulated month (memory stores, FakeClock)', () => {
  let world: ReturnType<typeof memoryWorld>;
  let month: MonthResult;

  beforeAll(async () => {
    world = memoryWorld();
    await addDailyReport(world.scheduler);
    await world.scheduler.start();
    month = await runMonth(world, MONTH);
  });

  afterAll(async () => {
    if (world?.scheduler.running) await world.scheduler.shutdown({ wait: true });
  });

  it('keeps each table at about its retention days of traffic, level from the first week on', () => {
    expectTablesLevel(month, MONTH);
    const end = month.daily[month.daily.length - 1];
    const totals = passTotals(month.passes);
    console.info(
      `simulated month (memory): written ${JSON.stringify(month.written)}, at the end ${JSON.stringify(end)}, ` +
        `pruned ${JSON.stringify(totals)}, daily ${JSON.stringify(month.daily.map((d) => Object.values(d)))}`,
    );
  });

  it('never deletes a pending order (its timeout still needs the row)', async () => {
    expect(month.pendingOrders).toHaveLength(MONTH.days);
    for (const id of month.pendingOrders) expect(await world.orders.getStatus(id)).toBe('pending');
  });

  it('still recognises, within the duplicate window, a redelivered command and a redelivered created', async () => {
    const now = world.clock.now().getTime();
    const yesterday = MONTH.days * 24 - 24;
    const before = { ...world.commands.stats.schedule };
    await world.commands.handleBatch([scheduleCommand(commandEventId(yesterday, 0), 'reused-id', 60)]);
    expect(world.commands.stats.schedule.duplicate).toBe(before.duplicate + 1);
    expect(await world.store.getJob('reused-id')).toBeNull();
    const paidOrder = orderId(yesterday, 0);
    const created = world.orders.stats.created.duplicate;
    await world.orders.handleCreated([orderCreated(paidOrder, new Date(now - DAY_MS), 1800)]);
    expect(world.orders.stats.created.duplicate).toBe(created + 1);
    expect(await world.orders.getStatus(paidOrder)).toBe('paid');
  });

  it('a payment for an order cancelled within the retention is a late payment; after it, a tombstone', async () => {
    // Order i = 6 of a cycle is cancelled and never paid (i % 10 >= 6, and not i % 4 === 0 of those).
    const recent = orderId(MONTH.days * 24 - 48, 7);
    expect(await world.orders.getStatus(recent)).toBe('cancelled');
    const late = world.orders.stats.paid.late;
    await world.orders.handlePaid([orderPaid(recent, world.clock.now())]);
    expect(world.orders.stats.paid.late).toBe(late + 1);
    expect(await world.orders.getStatus(recent)).toBe('late_paid');

    const old = orderId(24, 7);
    expect(await world.orders.getStatus(old)).toBeNull();
    const tombstoned = world.orders.stats.paid.tombstoned;
    await world.orders.handlePaid([orderPaid(old, world.clock.now())]);
    expect(world.orders.stats.paid.tombstoned).toBe(tombstoned + 1);
    expect(await world.orders.getStatus(old)).toBe('paid_before_created');
  });

  it('keeps the newest runs of a job beyond the age (keep-last); a frequent job keeps only the age', async () => {
    const daily = await world.store.getRunHistory('daily-report', 1000);
    expect(daily.length).toBeGreaterThanOrEqual(MONTH.days);
    expect(Math.min(...daily.map((r) => r.scheduledAt.getTime()))).toBe(MONTH_START.getTime());
    const frequent = await world.store.getRunHistory('recurring-0', 10_000);
    const oldest = Math.min(...frequent.map((r) => r.scheduledAt.getTime()));
    expect(world.clock.now().getTime() - oldest).toBeLessThanOrEqual(
      (MONTH_RETENTION.runHistoryDays + 0.25) * DAY_MS,
    );
    expect(frequent.length).toBeGreaterThan(MONTH_RETENTION.runHistoryKeepLast);
  });

  it('prunes in batches of the batch size, every table in every pass', () => {
    const totals = passTotals(month.passes);
    for (const table of RETENTION_TABLES) expect(totals[table].batches).toBeGreaterThan(month.passes.length);
    expect(month.passes.every((pass) => pass.length === RETENTION_TABLES.length)).toBe(true);
  });
});
