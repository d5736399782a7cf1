import type { Clock, JobStore, OutboxStore } from '../scheduler';
import {
  orderTimeoutJobId,
  type CreatedOutcome,
  type OrderPayment,
  type OrderStatus,
  type OrderToSchedule,
  type PaidOutcome,
} from './order-state';
import type { OrderStore } from './order-store';
import { latePaymentEvent, orderTimeoutJob } from './order-timeout';

export interface MemoryOrderStoreOptions {
  /** The engine's store (memory in embedded mode); timeout jobs and late-payment events go there. */
  jobs: JobStore & OutboxStore;
  clock: Clock;
  latePaymentTopic: string;
  /** Owner name of the short lease taken to remove a job nobody is firing. */
  owner?: string;
}

/**
 * The embedded-mode OrderStore over any JobStore + OutboxStore. Atomicity comes from the memory
 * store being synchronous inside: `recordCreated` checks, writes its states and hands the jobs to
 * the store without awaiting in between; `recordPaid` removes a job only after taking its lease
 * (so no replica can be firing it), and payments of one order run one at a time.
 */
export class MemoryOrderStore implements OrderStore {
  private readonly states = new Map<string, OrderStatus>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly owner: string;

  constructor(private readonly o: MemoryOrderStoreOptions) {
    this.owner = o.owner ?? 'orders.paid';
  }

  recordCreated(orders: OrderToSchedule[]): Promise<CreatedOutcome[]> {
    const outcomes: CreatedOutcome[] = [];
    const fresh: OrderToSchedule[] = [];
    for (const order of orders) {
      const status = this.states.get(order.orderId);
      if (status === undefined) {
        this.states.set(order.orderId, 'pending');
        fresh.push(order);
        outcomes.push('scheduled');
      } else if (status === 'paid_before_created') {
        this.states.set(order.orderId, 'paid');
        outcomes.push('tombstoned');
      } else {
        outcomes.push('duplicate');
      }
    }
    // Called synchronously, right after the state writes: nothing can interleave.
    return this.o.jobs.addJobs(fresh.map(orderTimeoutJob)).then(() => outcomes);
  }

  recordPaid(payment: OrderPayment): Promise<PaidOutcome> {
    const previous = this.locks.get(payment.orderId) ?? Promise.resolve();
    const next = previous.then(() => this.settle(payment));
    const tail = next.catch(() => undefined);
    this.locks.set(payment.orderId, tail);
    void tail.then(() => {
      if (this.locks.get(payment.orderId) === tail) this.locks.delete(payment.orderId);
    });
    return next;
  }

  async getStatus(orderId: string): Promise<string | null> {
    return this.states.get(orderId) ?? null;
  }

  private async settle(payment: OrderPayment): Promise<PaidOutcome> {
    const { orderId } = payment;
    const status = this.states.get(orderId);
    if (status === undefined) {
      this.states.set(orderId, 'paid_before_created');
      return 'tombstoned';
    }
    if (status !== 'pending') return 'duplicate';
    const jobId = orderTimeoutJobId(orderId);
    const now = this.o.clock.now();
    const leased = await this.o.jobs.acquireJob({
      owner: this.owner,
      jobId,
      now,
      leaseUntil: new Date(now.getTime() + 60_000),
    });
    if (leased) {
      await this.o.jobs.removeJob(jobId);
      this.states.set(orderId, 'paid');
      return 'removed';
    }
    if (await this.o.jobs.getJob(jobId)) return 'busy';
    // Gone: its completion (history + events + removal) committed, or it was removed by hand.
    const [run] = await this.o.jobs.getRunHistory(jobId, 1);
    if (run?.outcome !== 'success') {
      this.states.set(orderId, 'paid');
      return 'removed';
    }
    const cancelledAt = run.startedAt ?? run.scheduledAt;
    await this.o.jobs.append([
      latePaymentEvent(this.o.latePaymentTopic, payment, { scheduledAt: run.scheduledAt, cancelledAt }),
    ]);
    this.states.set(orderId, 'late_paid');
    return 'late';
  }
}
