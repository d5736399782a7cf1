import { TransactionalMap, type StoreTransaction } from '../scheduler';
import type { OrderRecord, OrderStatus } from './order-state';

/** A row to insert: a new pending order, or a tombstone (paid before created). */
export interface NewOrderRow extends OrderRecord {
  createdEventId: string | null;
  paidEventId: string | null;
  orderCreatedAt: Date | null;
  paidAt: Date | null;
}

/** Columns a transition sets (the others keep their values). */
export interface OrderChange {
  status: OrderStatus;
  createdEventId?: string;
  orderCreatedAt?: Date;
  paidEventId?: string;
  paidAt?: Date;
  runAt?: Date;
  cancelledAt?: Date;
}

/** A timeout that cancels its order: the run's scheduled time and when it fired. */
export interface OrderCancel {
  orderId: string;
  runAt: Date;
  cancelledAt: Date;
}

/**
 * The orders domain's own table, read and written only inside a unit of work or a guarded run's
 * completion (the `tx` they get), so each decision and its writes commit with the job changes.
 */
export interface OrderStates {
  /** The rows of these orders (absent ones left out), locked until the transaction ends. */
  lock(tx: StoreTransaction, orderIds: string[]): Promise<Map<string, OrderRecord>>;
  insert(tx: StoreTransaction, rows: NewOrderRow[], now: Date): Promise<void>;
  /**
   * Inserts every row if no row of these (distinct) ids exists, else inserts nothing and returns
   * false. A concurrent writer's uncommitted row is waited for, as `insert` waits for it.
   */
  insertIfNone(tx: StoreTransaction, rows: NewOrderRow[], now: Date): Promise<boolean>;
  update(tx: StoreTransaction, orderId: string, change: OrderChange, now: Date): Promise<void>;
  /** Marks these (locked, pending) orders `cancelled`, all in one write. */
  cancel(tx: StoreTransaction, cancels: OrderCancel[], now: Date): Promise<void>;
  /** Committed status, outside any transaction (tests, diagnostics). */
  getStatus(orderId: string): Promise<OrderStatus | null>;
  /**
   * Retention: deletes at most `limit` settled orders (every status but `pending`) last changed
   * before `before`; returns how many. A pending order is never deleted: its timeout still needs
   * it. What a late event for a deleted order does is in docs/operations.md (Retention).
   */
  prune(tx: StoreTransaction, before: Date, limit: number): Promise<number>;
}

/** Statuses retention may delete (after their age): every one but `pending`. */
export const SETTLED_STATUSES: readonly OrderStatus[] = [
  'paid',
  'cancelled',
  'late_paid',
  'paid_before_created',
];

export const ORDER_STATES = Symbol('ORDER_STATES');

/** Embedded mode: rows staged per transaction (the memory store runs one at a time). */
export class MemoryOrderStates implements OrderStates {
  private readonly rows = new TransactionalMap<string, OrderRecord & { updatedAt: number }>();

  async lock(tx: StoreTransaction, orderIds: string[]): Promise<Map<string, OrderRecord>> {
    const found = new Map<string, OrderRecord>();
    for (const id of orderIds) {
      const row = this.rows.get(tx, id);
      if (row)
        found.set(id, { orderId: id, status: row.status, runAt: row.runAt, cancelledAt: row.cancelledAt });
    }
    return found;
  }

  async insert(tx: StoreTransaction, rows: NewOrderRow[], now: Date): Promise<void> {
    for (const row of rows) {
      const { orderId, status, runAt, cancelledAt } = row;
      this.rows.set(tx, orderId, { orderId, status, runAt, cancelledAt, updatedAt: now.getTime() });
    }
  }

  async insertIfNone(tx: StoreTransaction, rows: NewOrderRow[], now: Date): Promise<boolean> {
    if (rows.some((row) => this.rows.get(tx, row.orderId) !== undefined)) return false;
    await this.insert(tx, rows, now);
    return true;
  }

  async update(tx: StoreTransaction, orderId: string, change: OrderChange, now: Date): Promise<void> {
    const row = this.rows.get(tx, orderId);
    if (!row) return;
    this.rows.set(tx, orderId, {
      ...row,
      status: change.status,
      runAt: change.runAt ?? row.runAt,
      cancelledAt: change.cancelledAt ?? row.cancelledAt,
      updatedAt: now.getTime(),
    });
  }

  async cancel(tx: StoreTransaction, cancels: OrderCancel[], now: Date): Promise<void> {
    for (const { orderId, runAt, cancelledAt } of cancels)
      await this.update(tx, orderId, { status: 'cancelled', runAt, cancelledAt }, now);
  }

  async getStatus(orderId: string): Promise<OrderStatus | null> {
    return this.rows.peek(orderId)?.status ?? null;
  }

  async prune(tx: StoreTransaction, before: Date, limit: number): Promise<number> {
    let deleted = 0;
    for (const [orderId, row] of this.rows.committedEntries()) {
      if (deleted >= limit) break;
      if (row.status === 'pending' || row.updatedAt >= before.getTime()) continue;
      this.rows.delete(tx, orderId);
      deleted++;
    }
    return deleted;
  }

  /** Rows held (the row-count metric in embedded mode). */
  get size(): number {
    return this.rows.size;
  }
}
