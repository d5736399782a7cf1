import type { DataSource } from 'typeorm';

import { ER_DUP_ENTRY, errnoOf } from '../persistence/sql-errors';
import { DEFAULT_RETRY, type Sql, withConnection } from '../persistence/sql-session';
import type { Clock } from '../scheduler';
import { OrderInsertRaceError } from './errors';
import type { CreatedOutcome, OrderPayment, OrderToSchedule, PaidOutcome } from './order-state';
import type { OrderStore } from './order-store';
import { insertCreatedOrders, selectOrderStatus, settlePayment } from './order-sql';

/** Orders per transaction: one multi-row INSERT for the states and one for the jobs. */
export const CREATED_CHUNK = 1000;
const RACE_ATTEMPTS = 5;

/** The OrderStore on the service's MySQL/MariaDB database (tables order_states + the engine's). */
export class MySqlOrderStore implements OrderStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly latePaymentTopic: string,
  ) {}

  async recordCreated(orders: OrderToSchedule[]): Promise<CreatedOutcome[]> {
    const outcomes: CreatedOutcome[] = [];
    for (let i = 0; i < orders.length; i += CREATED_CHUNK) {
      const chunk = orders.slice(i, i + CREATED_CHUNK);
      outcomes.push(
        ...(await this.raceSafe('recordCreated', (sql, attempt) =>
          insertCreatedOrders(sql, chunk, this.clock.now(), attempt > 1),
        )),
      );
    }
    return outcomes;
  }

  recordPaid(payment: OrderPayment): Promise<PaidOutcome> {
    return this.raceSafe('recordPaid', (sql) =>
      settlePayment(sql, payment, this.latePaymentTopic, this.clock.now()),
    );
  }

  getStatus(orderId: string): Promise<string | null> {
    return withConnection(
      this.dataSource,
      'getOrderStatus',
      { transaction: false, retry: DEFAULT_RETRY },
      (sql) => selectOrderStatus(sql, orderId),
    );
  }

  /**
   * One transaction (deadlocks retried by withConnection). A concurrent writer that inserted the
   * same order first (another consumer during a rebalance) rolls ours back: the retry sees its row.
   */
  private async raceSafe<T>(operation: string, work: (sql: Sql, attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withConnection(
          this.dataSource,
          operation,
          { transaction: true, retry: DEFAULT_RETRY },
          (sql) => work(sql, attempt),
        );
      } catch (error) {
        const race = error instanceof OrderInsertRaceError || errnoOf(error) === ER_DUP_ENTRY;
        if (!race || attempt >= RACE_ATTEMPTS) throw error;
      }
    }
  }
}
