import { JOB_INSERT_COLUMNS, jobInsertValues } from '../persistence/job-row';
import { insertNewJobs } from '../persistence/job-write-sql';
import { insertOutboxRows } from '../persistence/outbox-sql';
import { BY_ID, execute, selectRows, type Sql } from '../persistence/sql-session';
import { fromSqlTimeRequired, toSqlTime } from '../persistence/sql-time';
import { OrderInsertRaceError } from './errors';
import {
  orderTimeoutJobId,
  type CreatedOutcome,
  type OrderPayment,
  type OrderStatus,
  type OrderToSchedule,
  type PaidOutcome,
} from './order-state';
import { latePaymentEvent, orderTimeoutJob } from './order-timeout';

const STATE_COLUMNS =
  '(order_id, status, created_event_id, paid_event_id, order_created_at, run_at, paid_at, cancelled_at, updated_at)';

interface StateRow {
  order_id: string;
  status: OrderStatus;
}

/**
 * Inside one transaction: lock the orders' state rows, insert `pending` rows and their timeout
 * jobs for orders never seen, turn tombstones into `paid`. Either all of it commits or none.
 */
export async function insertCreatedOrders(
  sql: Sql,
  orders: OrderToSchedule[],
  now: Date,
  careful = false,
): Promise<CreatedOutcome[]> {
  const at = toSqlTime(now);
  const locked = await selectRows<StateRow>(
    sql,
    `SELECT order_id, status FROM order_states ${BY_ID} WHERE order_id IN (?) FOR UPDATE`,
    [orders.map((o) => o.orderId)],
  );
  const known = new Map(locked.map((row) => [row.order_id, row.status]));
  const outcomes: CreatedOutcome[] = [];
  const fresh: OrderToSchedule[] = [];
  const tombstoned: OrderToSchedule[] = [];
  for (const order of orders) {
    const status = known.get(order.orderId);
    if (status === undefined) {
      fresh.push(order);
      known.set(order.orderId, 'pending');
      outcomes.push('scheduled');
    } else if (status === 'paid_before_created') {
      tombstoned.push(order);
      known.set(order.orderId, 'paid');
      outcomes.push('tombstoned');
    } else {
      outcomes.push('duplicate');
    }
  }
  if (fresh.length > 0) {
    // A plain INSERT: a concurrent writer's row makes it fail (duplicate key) and the caller retries.
    await execute(sql, `INSERT INTO order_states ${STATE_COLUMNS} VALUES ?`, [
      fresh.map((o) => [
        o.orderId,
        'pending',
        o.eventId,
        null,
        toSqlTime(o.createdAt),
        toSqlTime(o.runAt),
        null,
        null,
        at,
      ]),
    ]);
    const jobs = fresh.map(orderTimeoutJob);
    if (careful) {
      // After a duplicate-key failure: skip job ids that exist without an order row (hand-made).
      if ((await insertNewJobs(sql, jobs, now)) === null) throw new OrderInsertRaceError();
    } else {
      // Fast path: a fresh order row means its job id is free (both are written together only here).
      await execute(sql, `INSERT INTO scheduler_jobs ${JOB_INSERT_COLUMNS} VALUES ?`, [
        jobs.map((job) => jobInsertValues(job, now)),
      ]);
    }
  }
  for (const order of tombstoned) {
    await execute(
      sql,
      "UPDATE order_states SET status = 'paid', created_event_id = ?, order_created_at = ?, updated_at = ? WHERE order_id = ?",
      [order.eventId, toSqlTime(order.createdAt), at, order.orderId],
    );
  }
  return outcomes;
}

interface JobLeaseRow {
  lease_owner: string | null;
}

interface LastRunRow {
  scheduled_at: Date | string;
  started_at: Date | string | null;
  outcome: string;
}

/**
 * Inside one transaction: settle one payment under the order's row lock, then the job's row lock
 * (always in that order; the engine never touches order_states, so no lock cycle). A job row with
 * a lease owner is being fired (or its replica died and the lease awaits expiry): nothing is
 * written and `busy` is returned, since deleting it would let that run's completion still commit
 * the cancel ("removed while it ran").
 */
export async function settlePayment(
  sql: Sql,
  payment: OrderPayment,
  latePaymentTopic: string,
  now: Date,
): Promise<PaidOutcome> {
  const at = toSqlTime(now);
  const paidAt = toSqlTime(payment.paidAt);
  const [state] = await selectRows<StateRow>(
    sql,
    'SELECT order_id, status FROM order_states WHERE order_id = ? FOR UPDATE',
    [payment.orderId],
  );
  if (!state) {
    await execute(sql, `INSERT INTO order_states ${STATE_COLUMNS} VALUES ?`, [
      [[payment.orderId, 'paid_before_created', null, payment.eventId, null, null, paidAt, null, at]],
    ]);
    return 'tombstoned';
  }
  if (state.status !== 'pending') return 'duplicate';
  const jobId = orderTimeoutJobId(payment.orderId);
  const [job] = await selectRows<JobLeaseRow>(
    sql,
    'SELECT lease_owner FROM scheduler_jobs WHERE id = ? FOR UPDATE',
    [jobId],
  );
  if (job && job.lease_owner !== null) return 'busy';
  const markPaid = (status: OrderStatus, cancelledAt: string | null): Promise<number> =>
    execute(
      sql,
      'UPDATE order_states SET status = ?, paid_event_id = ?, paid_at = ?, cancelled_at = ?, updated_at = ? WHERE order_id = ?',
      [status, payment.eventId, paidAt, cancelledAt, at, payment.orderId],
    );
  if (job) {
    await execute(sql, 'DELETE FROM scheduler_jobs WHERE id = ? AND lease_owner IS NULL', [jobId]);
    await markPaid('paid', null);
    return 'removed';
  }
  // The job is gone, so its completion committed: the history row says whether a cancel went out.
  const [run] = await selectRows<LastRunRow>(
    sql,
    'SELECT scheduled_at, started_at, outcome FROM scheduler_job_runs WHERE job_id = ? ORDER BY id DESC LIMIT 1',
    [jobId],
  );
  if (!run || run.outcome !== 'success') {
    await markPaid('paid', null);
    return 'removed';
  }
  const scheduledAt = fromSqlTimeRequired(run.scheduled_at);
  const cancelledAt = run.started_at === null ? scheduledAt : fromSqlTimeRequired(run.started_at);
  await insertOutboxRows(
    sql,
    [latePaymentEvent(latePaymentTopic, payment, { scheduledAt, cancelledAt })],
    now,
  );
  await markPaid('late_paid', toSqlTime(cancelledAt));
  return 'late';
}

export async function selectOrderStatus(sql: Sql, orderId: string): Promise<string | null> {
  const rows = await selectRows<StateRow>(
    sql,
    'SELECT order_id, status FROM order_states WHERE order_id = ?',
    [orderId],
  );
  return rows[0]?.status ?? null;
}
