import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AppConfig } from '../app/config/app-config';
import { CLOCK, JOB_STORE } from '../app/scheduler/tokens';
import type { ServiceStore } from '../app/scheduler/scheduler.module';
import { InboundRegistry } from '../messaging/inbound/inbound-registry';
import { OutboxRelay } from '../messaging/outbox-relay';
import { Scheduler, type Clock } from '../scheduler';
import { OrderCreatedDto, OrderPaidDto } from './dto/order-events.dto';
import { MemoryOrderStore } from './memory-order-store';
import { MySqlOrderStore } from './mysql-order-store';
import { ORDER_TIMEOUT_HANDLER } from './order-state';
import { ORDER_STORE, type OrderStore } from './order-store';
import { orderTimeoutHandler, type OrderTopics } from './order-timeout';
import { OrdersService } from './orders.service';

export function orderTopics(config: AppConfig): OrderTopics {
  return {
    cancel: config.TOPIC_ORDERS_CANCEL,
    restock: config.TOPIC_INVENTORY_RESTOCK,
    latePayment: config.TOPIC_ORDERS_LATE_PAYMENT,
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
  ) {}

  onModuleInit(): void {
    this.scheduler.registerHandler(ORDER_TIMEOUT_HANDLER, orderTimeoutHandler(orderTopics(this.config)));
    this.registry.register({
      topic: this.config.TOPIC_ORDERS_CREATED,
      dto: OrderCreatedDto,
      handleBatch: (messages) => this.service.handleCreated(messages),
    });
    this.registry.register({
      topic: this.config.TOPIC_ORDERS_PAID,
      dto: OrderPaidDto,
      handleBatch: (messages) => this.service.handlePaid(messages),
    });
  }
}

/** The order-timeout domain: MySQL order states when a database is configured, memory otherwise. */
@Module({
  providers: [
    {
      provide: ORDER_STORE,
      inject: [JOB_STORE, CLOCK, AppConfig, { token: DataSource, optional: true }],
      useFactory: (
        jobs: ServiceStore,
        clock: Clock,
        config: AppConfig,
        dataSource?: DataSource,
      ): OrderStore =>
        dataSource
          ? new MySqlOrderStore(dataSource, clock, config.TOPIC_ORDERS_LATE_PAYMENT)
          : new MemoryOrderStore({ jobs, clock, latePaymentTopic: config.TOPIC_ORDERS_LATE_PAYMENT }),
    },
    {
      provide: OrdersService,
      inject: [ORDER_STORE, AppConfig, OutboxRelay],
      useFactory: (store: OrderStore, config: AppConfig, relay: OutboxRelay): OrdersService =>
        new OrdersService(store, {
          defaultTimeoutSeconds: config.ORDER_PAYMENT_TIMEOUT_SECONDS,
          onEventsAppended: () => relay.wake(),
        }),
    },
    OrdersRegistrar,
  ],
  exports: [ORDER_STORE, OrdersService],
})
export class OrdersModule {}
