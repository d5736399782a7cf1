import { IsString } from 'class-validator';

import { Setting } from './setting';

/** Kafka topic names, inbound and outbound. */
export class TopicSettings {
  @Setting('TOPIC_ORDERS_CREATED') @IsString() ordersCreated = 'orders.created';
  @Setting('TOPIC_ORDERS_PAID') @IsString() ordersPaid = 'orders.paid';
  @Setting('TOPIC_ORDERS_CANCEL') @IsString() ordersCancel = 'orders.cancel';
  @Setting('TOPIC_INVENTORY_RESTOCK') @IsString() inventoryRestock = 'inventory.restock';
  @Setting('TOPIC_ORDERS_LATE_PAYMENT') @IsString() ordersLatePayment = 'orders.late-payment';
  @Setting('TOPIC_SCHEDULER_COMMANDS') @IsString() schedulerCommands = 'scheduler.commands';
  @Setting('TOPIC_SCHEDULER_DEAD_LETTER') @IsString() schedulerDeadLetter = 'scheduler.dead-letter';
}
