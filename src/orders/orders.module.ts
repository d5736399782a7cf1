import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AppConfig } from '../app/config/app-config';
import { CLOCK } from '../app/scheduler/tokens';
import { InboundRegistry } from '../messaging/inbound/inbound-registry';
import { ActionHandler } from '../nest/decorators';
import { Scheduler, type ActionHandler as ActionHandlerFn, type Clock, type RunContext } from '../scheduler';
import { OrderCreatedDto, OrderPaidDto } from './dto/order-events.dto';
import { MySqlOrderStates } from './mysql-order-states';
import { ORDER_TIMEOUT_HANDLER } from './order-state';
import { MemoryOrderStates, ORDER_STATES, type OrderStates } from './order-states';
import { orderTimeoutHandler, type OrderTopics } from './order-timeout';
import { OrdersService } from './orders.service';

function orderTopics(config: AppConfig): OrderTopics {
  return {
    cancel: config.topics.ordersCancel,
    restock: config.topics.inventoryRestock,
    latePayment: config.topics.ordersLatePayment,
  };
}

/** The order-timeout action, found by the scheduler module through its decorator. */
@Injectable()
class OrderTimeoutAction {
  private readonly handler: ActionHandlerFn;

  constructor(config: AppConfig, @Inject(ORDER_STATES) states: OrderStates, @Inject(CLOCK) clock: Clock) {
    this.handler = orderTimeoutHandler(orderTopics(config), states, clock);
  }

  @ActionHandler(ORDER_TIMEOUT_HANDLER)
  run(context: RunContext): Promise<void> | void {
    return this.handler(context);
  }
}

/** Registers the two inbound topics before the consumer starts. */
@Injectable()
class OrdersRegistrar implements OnModuleInit {
  constructor(
    private readonly registry: InboundRegistry,
    private readonly service: OrdersService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      topic: this.config.topics.ordersCreated,
      dto: OrderCreatedDto,
      handleBatch: (messages) => this.service.handleCreated(messages),
    });
    this.registry.register({
      topic: this.config.topics.ordersPaid,
      dto: OrderPaidDto,
      handleBatch: (messages) => this.service.handlePaid(messages),
    });
  }
}

/** The order-timeout domain: order_states in MySQL when a database is configured, memory otherwise. */
@Module({
  providers: [
    {
      provide: ORDER_STATES,
      inject: [{ token: DataSource, optional: true }],
      useFactory: (dataSource?: DataSource): OrderStates =>
        dataSource ? new MySqlOrderStates(dataSource) : new MemoryOrderStates(),
    },
    {
      provide: OrdersService,
      inject: [Scheduler, ORDER_STATES, CLOCK, AppConfig],
      useFactory: (
        scheduler: Scheduler,
        states: OrderStates,
        clock: Clock,
        config: AppConfig,
      ): OrdersService =>
        new OrdersService(scheduler, states, clock, {
          defaultTimeoutSeconds: config.orders.paymentTimeoutSeconds,
          latePaymentTopic: config.topics.ordersLatePayment,
        }),
    },
    OrderTimeoutAction,
    OrdersRegistrar,
  ],
  exports: [ORDER_STATES, OrdersService],
})
export class OrdersModule {}
