import type { DataSource } from 'typeorm';

import { sqlOf } from '../persistence/mysql-transaction';
import { insertRows } from '../persistence/prepared-insert';
import { ER_DUP_ENTRY, errnoOf } from '../persistence/sql-errors';
import { BY_ID, execute, selectRows } from '../persistence/sql-session';
import { fromSqlTime, toSqlTime, toSqlTimeOrNull } from '../persistence/sql-time';
import type { StoreTransaction } from '../scheduler';
import type { OrderRecord, OrderStatus } from './order-state';
import {
  type NewOrderRow,
  type OrderCancel,
  type OrderChange,
  type OrderStates,
  SETTLED_STATUSES,
} from './order-states';

const COLUMNS =
  '(order_id, status, created_event_id, paid_event_id, order_created_at, run_at, paid_at, cancelled_at, updated_at)';

interface StateRow {
  order_id: string;
  status: OrderStatus;
  run_at: Date | string | null;
  cancelled_at: Date | string | null;
}

function insertValues(rows: NewOrderRow[], now: Date): unknown[][] {
  const at = toSqlTime(now);
  return rows.map((r) => [
    r.orderId,
    r.status,
    r.createdEventId,
    r.paidEventId,
    toSqlTimeOrNull(r.orderCreatedAt),
    toSqlTimeOrNull(r.runAt),
    toSqlTimeOrNull(r.paidAt),
    toSqlTimeOrNull(r.cancelledAt),
    at,
  ]);
}

/** Table order_states, on the connection of the unit of work (or completion) it is given. */
export class MySqlOrderStates implements OrderStates {
  constructor(private readonly dataSource: DataSource) {}

  async lock(tx: StoreTransaction, orderIds: string[]): Promise<Map<string, OrderRecord>> {
    if (orderIds.length === 0) return new Map();
    const rows = await selectRows<StateRow>(
      sqlOf(tx),
      `SELECT order_id, status, run_at, cancelled_at FROM order_states ${BY_ID} WHERE order_id IN (?) FOR UPDATE`,
      [orderIds],
    );
    return new Map(
      rows.map((row) => [
        row.order_id,
        {
          orderId: row.order_id,
          status: row.status,
          runAt: fromSqlTime(row.run_at),
          cancelledAt: fromSqlTime(row.cancelled_at),
        },
      ]),
    );
  }

  /** A plain INSERT: a concurrent writer's row fails it (duplicate key) and the unit of work runs again. */
  async insert(tx: StoreTransaction, rows: NewOrderRow[], now: Date): Promise<void> {
    if (rows.length === 0) return;
    await insertRows(sqlOf(tx), `INSERT INTO order_states ${COLUMNS}`, insertValues(rows, now));
  }

  /**
   * The same INSERT; a duplicate key fails the statement alone (InnoDB rolls back that statement,
   * not the transaction), so the unit of work goes on and can sort new ids from taken ones.
   */
  async insertIfNone(tx: StoreTransaction, rows: NewOrderRow[], now: Date): Promise<boolean> {
    if (rows.length === 0) return true;
    try {
      await insertRows(sqlOf(tx), `INSERT INTO order_states ${COLUMNS}`, insertValues(rows, now));
      return true;
    } catch (error) {
      if (errnoOf(error) === ER_DUP_ENTRY) return false;
      throw error;
    }
  }

  async update(tx: StoreTransaction, orderId: string, change: OrderChange, now: Date): Promise<void> {
    const sets: string[] = ['status = ?'];
    const values: unknown[] = [change.status];
    const optional: Array<[string, string | Date | undefined]> = [
      ['created_event_id', change.createdEventId],
      ['order_created_at', change.orderCreatedAt],
      ['paid_event_id', change.paidEventId],
      ['paid_at', change.paidAt],
      ['run_at', change.runAt],
      ['cancelled_at', change.cancelledAt],
    ];
    for (const [column, value] of optional) {
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(value instanceof Date ? toSqlTime(value) : value);
    }
    await execute(
      sqlOf(tx),
      `UPDATE order_states SET ${sets.join(', ')}, updated_at = ? WHERE order_id = ?`,
      [...values, toSqlTime(now), orderId],
    );
  }

  /**
   * One statement for the whole batch. The rows exist and are locked (the caller read them FOR
   * UPDATE in this transaction), so the INSERT always takes its ON DUPLICATE KEY UPDATE branch: an
   * UPDATE by primary key with a value per row, without the UPDATE ... CASE whose cost grows with
   * the square of the batch (500 orders: 38 ms against 12 ms on MariaDB 10.11).
   */
  async cancel(tx: StoreTransaction, cancels: OrderCancel[], now: Date): Promise<void> {
    if (cancels.length === 0) return;
    const at = toSqlTime(now);
    await execute(
      sqlOf(tx),
      'INSERT INTO order_states (order_id, status, run_at, cancelled_at, updated_at) VALUES ? ' +
        'ON DUPLICATE KEY UPDATE status = VALUES(status), run_at = VALUES(run_at), ' +
        'cancelled_at = VALUES(cancelled_at), updated_at = VALUES(updated_at)',
      [cancels.map((c) => [c.orderId, 'cancelled', toSqlTime(c.runAt), toSqlTime(c.cancelledAt), at])],
    );
  }

  async getStatus(orderId: string): Promise<OrderStatus | null> {
    const rows = (await this.dataSource.query('SELECT status FROM order_states WHERE order_id = ?', [
      orderId,
    ])) as { status: OrderStatus }[];
    return rows[0]?.status ?? null;
  }

  /**
   * Candidates by a plain read on (status, updated_at), then a delete by primary key that checks
   * the same condition again, so a row a payment changed in between stays; only those rows are
   * locked, for one short statement.
   */
  async prune(tx: StoreTransaction, before: Date, limit: number): Promise<number> {
    const sql = sqlOf(tx);
    const cutoff = toSqlTime(before);
    const rows = await selectRows<{ order_id: string }>(
      sql,
      'SELECT order_id FROM order_states WHERE status IN (?) AND updated_at < ? LIMIT ?',
      [SETTLED_STATUSES, cutoff, limit],
    );
    if (rows.length === 0) return 0;
    return execute(
      sql,
      "DELETE FROM order_states WHERE order_id IN (?) AND status <> 'pending' AND updated_at < ?",
      [rows.map((r) => r.order_id), cutoff],
    );
  }
}
