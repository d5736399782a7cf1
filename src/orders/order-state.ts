/**
 * The order state machine (one row per order id, docs/orders.md). The timeout job's own life
 * (pending → leased → fired and deleted) lives in scheduler_jobs / scheduler_job_runs; this row
 * records what the inbound events did, so the decisions below are taken under one lock.
 *
 *   (none)      --created-->  pending              job order-timeout:<id> inserted in the same transaction
 *   (none)      --paid----->  paid_before_created  tombstone: a later created schedules nothing
 *   paid_before_created --created--> paid          nothing scheduled
 *   pending     --paid, job free------> paid       job deleted in the same transaction: no cancel ever
 *   pending     --paid, job leased----> (retry)    being fired: wait for its completion to commit
 *   pending     --paid, job fired-----> late_paid  run history shows the cancel; late-payment appended
 *                                                  to the outbox in the same transaction
 *   pending     --paid, job gone, no successful run--> paid   (removed by hand; no cancel was emitted)
 *   paid | late_paid | paid_before_created: every further created/paid changes nothing.
 *
 * "Cancelled" is not a stored status: the cancel commits with the job's completion (engine
 * transaction), so "pending with no job and a successful run" is what cancelled means.
 */
export type OrderStatus = 'pending' | 'paid' | 'late_paid' | 'paid_before_created';

export interface OrderItem {
  skuId: string;
  quantity: number;
}

/** An `orders.created` ready to schedule: when its timeout job runs, and what it carries. */
export interface OrderToSchedule {
  eventId: string;
  orderId: string;
  createdAt: Date;
  runAt: Date;
  items: OrderItem[];
}

export interface OrderPayment {
  eventId: string;
  orderId: string;
  paidAt: Date;
}

export type CreatedOutcome = 'scheduled' | 'duplicate' | 'tombstoned';

/**
 * What `orders.paid` did: `removed` (paid in time), `late` (the cancel had fired: late-payment
 * emitted), `tombstoned` (paid before created), `duplicate` (already settled), `busy` (the job is
 * being fired right now: try again once its completion has committed).
 */
export type PaidOutcome = 'removed' | 'late' | 'tombstoned' | 'duplicate' | 'busy';

export const ORDER_TIMEOUT_HANDLER = 'orders.timeout';
export const ORDER_TIMEOUT_JOB_PREFIX = 'order-timeout:';

export function orderTimeoutJobId(orderId: string): string {
  return `${ORDER_TIMEOUT_JOB_PREFIX}${orderId}`;
}
