import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AppConfig } from '../app/config/app-config';
import { CLOCK } from '../app/scheduler/tokens';
import { InboundRegistry } from '../messaging/inbound/inbound-registry';
import { Scheduler, type Clock } from '../scheduler';
import { OrderCreatedDto, OrderPaidDto } from './dto/order-events.dto';
import { MySqlOrderStates } from './mysql-order-states';
import { ORDER_TIMEOUT_HANDLER } from './order-state';
import { MemoryOrderStates, ORDER_STATES, type OrderStates } from './order-states';
import { orderTimeoutHandler, type OrderTopics } from './order-timeout';
import { OrdersService } from './orders.service';

export function orderTopics(config: AppConfig): OrderTopics {
  return {
    cancel: config.topics.ordersCancel,
    restock: config.topics.inventoryRestock,
    latePayment: config.topics.ordersLatePayment,
  };
}

/** Registers the timeout action and the two inbound topics before the engine and consumer start. */
@Injectable()
class OrdersRegistrar implements OnModuleInit {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly registry: InboundRegistry,
    private readonly service: OrdersService,
    private readonly config: AppConfig,
    @Inject(ORDER_STATES) private readonly states: OrderStates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerHandler(
      ORDER_TIMEOUT_HANDLER,
      orderTimeoutHandler(orderTopics(this.config), this.states, this.clock),
    );
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
    OrdersRegistrar,
  ],
  exports: [ORDER_STATES, OrdersService],
})
export class OrdersModule {}
