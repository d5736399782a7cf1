import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';

import { toJobDto, toRunDto } from '../../admin/jobs/job-view';
import type { JobDto, RunDto } from '../../admin/dto/job.response';
import { ApiProblems } from '../../admin/problem/api-problems.decorator';
import { API_KEY_SCHEME } from '../../admin/swagger';
import { AppConfig } from '../../app/config/app-config';
import { orderTimeoutJobId } from '../../orders/order-state';
import { ORDER_STATES, type OrderStates } from '../../orders/order-states';
import { eventIdFor, Scheduler } from '../../scheduler';
import { OrderIdParamError } from './order-lookup.errors';

/** Where an order is in docs/orders.md's state machine. */
export type OrderStage = 'unknown' | 'pending' | 'cancelled' | 'paid' | 'late_paid' | 'paid_before_created';

export interface OrderView {
  orderId: string;
  /** As stored (null: never seen). */
  status: string | null;
  stage: OrderStage;
  timeoutJobId: string;
  timeoutJob: JobDto | null;
  runs: RunDto[];
  /** Events the service emitted for it (ids are deterministic: DESIGN section 6). */
  events: Array<{
    kind: 'cancel' | 'restock' | 'late-payment';
    topic: string;
    eventId: string;
    scheduledAt: string;
  }>;
}

/** GET /v1/orders/{id}: read-only view of one order for the dashboard and operators. */
@ApiTags('orders')
@ApiSecurity(API_KEY_SCHEME)
@Controller('v1/orders')
export class OrderLookupController {
  constructor(
    @Inject(ORDER_STATES) private readonly orders: OrderStates,
    private readonly scheduler: Scheduler,
    private readonly config: AppConfig,
  ) {}

  @Get(':orderId')
  @ApiParam({ name: 'orderId', description: 'The order id (as in orders.created)' })
  @ApiOperation({
    summary: 'One order: its state, timeout job, runs and the events emitted for it',
    description: 'An order never seen answers 200 with status null and stage "unknown".',
  })
  @ApiOkResponse({ description: '{ orderId, status, stage, timeoutJobId, timeoutJob, runs, events }' })
  @ApiProblems(422)
  async get(@Param('orderId') orderId: string): Promise<OrderView> {
    if (orderId.length === 0 || orderId.length > 191 || orderId.trim() !== orderId || /\p{Cc}/u.test(orderId))
      throw new OrderIdParamError();
    const jobId = orderTimeoutJobId(orderId);
    const [status, job, runs] = await Promise.all([
      this.orders.getStatus(orderId),
      this.scheduler.getJob(jobId),
      this.scheduler.getRunHistory(jobId, 20),
    ]);
    // A guarded timeout run of an order already paid succeeded and emitted nothing.
    const succeeded = runs.filter((r) => r.outcome === 'success');
    const fired = status === 'cancelled' || status === 'late_paid' ? succeeded : [];
    const events: OrderView['events'] = [];
    for (const run of [...fired].reverse()) {
      const at = run.scheduledAt.toISOString();
      events.push(
        {
          kind: 'cancel',
          topic: this.config.topics.ordersCancel,
          eventId: eventIdFor(jobId, run.scheduledAt, 'cancel'),
          scheduledAt: at,
        },
        {
          kind: 'restock',
          topic: this.config.topics.inventoryRestock,
          eventId: eventIdFor(jobId, run.scheduledAt, 'restock'),
          scheduledAt: at,
        },
      );
      if (status === 'late_paid')
        events.push({
          kind: 'late-payment',
          topic: this.config.topics.ordersLatePayment,
          eventId: eventIdFor(jobId, run.scheduledAt, 'late-payment'),
          scheduledAt: at,
        });
    }
    return {
      orderId,
      status,
      stage: stageOf(status, job !== null, succeeded.length > 0),
      timeoutJobId: jobId,
      timeoutJob: job ? toJobDto(job) : null,
      runs: runs.map(toRunDto),
      events,
    };
  }
}

function stageOf(status: string | null, hasJob: boolean, fired: boolean): OrderStage {
  if (status === null) return 'unknown';
  // Pending with its job gone after a successful run: cancelled before the status was stored.
  if (status === 'pending') return !hasJob && fired ? 'cancelled' : 'pending';
  if (
    status === 'cancelled' ||
    status === 'paid' ||
    status === 'late_paid' ||
    status === 'paid_before_created'
  )
    return status;
  return 'unknown';
}
