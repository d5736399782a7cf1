import { MySqlOrderStates } from '../../../src/orders/mysql-order-states';
import { ORDER_TIMEOUT_HANDLER, orderTimeoutJobId, type PaidOutcome } from '../../../src/orders/order-state';
import { orderTimeoutHandler, type OrderTopics } from '../../../src/orders/order-timeout';
import { OrdersService } from '../../../src/orders/orders.service';
import { FakeClock } from '../../../src/scheduler';
import { createReplica, settled, until } from '../persistence/scheduler-replicas';
import { openStoreDatabase, type StoreDatabase } from '../persistence/store-database';

// A replica dies while firing order timeouts: it holds their leases and will never commit. The
// payments for those orders must settle at once (guarded firing: the payment locks the order row,
// the job's lease is not its business), not after the lease expires; and when the lease does
// expire, the replica that reclaims the jobs runs them and, finding the orders paid, emits nothing.

// Real MariaDB, 40 orders, one pool killed: well under a minute even on a loaded machine.
jest.setTimeout(120_000);

const T0 = new Date('2030-08-01T00:00:00.000Z');
const TOPICS: OrderTopics = { cancel: 'c', restock: 'r', latePayment: 'l' };
const N = 40;
/** createReplica's lease. */
const LEASE_MS = 30_000;

let database: StoreDatabase;

beforeAll(async () => {
  database = await openStoreDatabase('payment_latency');
});

afterAll(async () => {
  await database?.close();
});

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function count(sql: string): Promise<number> {
  const [{ n }] = (await database.admin.query(sql)) as { n: string }[];
  return Number(n);
}

it('payments for orders whose timeouts a killed replica holds settle at once; nothing is cancelled', async () => {
  const clock = new FakeClock(T0);
  const [survivorPool, dyingPool] = [await database.openPool(4), await database.openPool(4)];
  const survivor = createReplica(survivorPool, clock, 'survivor', {
    [ORDER_TIMEOUT_HANDLER]: orderTimeoutHandler(TOPICS, new MySqlOrderStates(survivorPool), clock),
  });
  // Mid-run when it dies: its runs never finish, so it never completes or releases the leases.
  const dying = createReplica(dyingPool, clock, 'dying', {
    [ORDER_TIMEOUT_HANDLER]: () => new Promise<void>(() => {}),
  });
  const service = new OrdersService(survivor.scheduler, new MySqlOrderStates(survivorPool), clock, {
    defaultTimeoutSeconds: 60,
    latePaymentTopic: TOPICS.latePayment,
  });
  const ids = Array.from({ length: N }, (_, i) => `dead-${i}`);
  const due = new Date(T0.getTime() + 60_000);
  try {
    await survivor.scheduler.start({ paused: true });
    await dying.scheduler.start();
    await service.recordCreated(
      ids.map((orderId) => ({
        eventId: `c-${orderId}`,
        orderId,
        createdAt: T0,
        runAt: due,
        items: [{ skuId: 's', quantity: 1 }],
      })),
    );
    await clock.setAsync(due);
    await until(
      'the dying replica holds every timeout',
      async () =>
        (await count(
          "SELECT COUNT(*) AS n FROM scheduler_jobs WHERE lease_owner = 'dying' AND id LIKE 'order-timeout:dead-%'",
        )) === N,
    );
    // Killed: its pool is gone, nothing it holds can commit or be released until the lease expires.
    await dyingPool.destroy();

    const latencies: number[] = [];
    const outcomes: PaidOutcome[] = [];
    for (const orderId of ids) {
      const started = performance.now();
      outcomes.push(await service.recordPaid({ eventId: `p-${orderId}`, orderId, paidAt: due }));
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    console.info(
      `payment latency with a killed replica holding the leases (lease ${LEASE_MS / 1000} s): ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
        `max ${latencies[latencies.length - 1].toFixed(1)} ms over ${N} payments`,
    );
    expect(outcomes).toEqual(ids.map(() => 'paid'));
    // The business clock never moved, so no payment waited for the lease to expire.
    expect(clock.now()).toEqual(due);
    expect(latencies[latencies.length - 1]).toBeLessThan(LEASE_MS / 6);
    // Still leased by the dead replica: the payment neither waited for it nor took it over.
    expect(await count("SELECT COUNT(*) AS n FROM scheduler_jobs WHERE lease_owner = 'dying'")).toBe(N);

    // The lease expires; the survivor reclaims and fires each timeout, and each guard finds `paid`.
    survivor.scheduler.resume();
    await clock.setAsync(new Date(due.getTime() + LEASE_MS + 1_000));
    await settled(database.admin, clock.now());
    const runs = (await database.admin.query(
      "SELECT owner, outcome, COUNT(*) AS n FROM scheduler_job_runs WHERE job_id LIKE 'order-timeout:dead-%' GROUP BY owner, outcome",
    )) as { owner: string; outcome: string; n: string }[];
    expect(runs.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([
      { owner: 'survivor', outcome: 'success', n: N },
    ]);
    expect(await count("SELECT COUNT(*) AS n FROM scheduler_outbox WHERE msg_key LIKE 'dead-%'")).toBe(0);
    for (const orderId of ids) {
      expect(await service.getStatus(orderId)).toBe('paid');
      expect(await survivor.store.getJob(orderTimeoutJobId(orderId))).toBeNull();
    }
  } finally {
    await survivor.scheduler.shutdown({ wait: false }).catch(() => undefined);
    await dying.scheduler.shutdown({ wait: false }).catch(() => undefined);
  }
});
