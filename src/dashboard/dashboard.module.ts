import { Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

import { AppConfig } from '../app/config/app-config';
import { KAFKA_CLIENT } from '../app/kafka/kafka.module';
import { JOB_STORE } from '../app/scheduler/tokens';
import type { ServiceStore } from '../app/scheduler/scheduler.module';
import type { EventBus } from '../messaging/event-bus';
import { KafkaConsumerLag } from '../messaging/kafka/kafka-consumer-lag';
import { MemoryEventBus } from '../messaging/memory/memory-event-bus';
import { EVENT_BUS } from '../messaging/tokens';
import { OrdersModule } from '../orders/orders.module';
import { MySqlJobCounts } from '../persistence/job-counts-sql';
import { MySqlReplicaRegistry } from '../persistence/mysql-replica-registry';
import { OrderLookupController } from './orders/order-lookup.controller';
import { REPLICA_REGISTRY, ReplicaHeartbeat } from './replicas/replica-heartbeat';
import { MemoryReplicaRegistry } from './replicas/replica-registry';
import { DashboardController } from './static/dashboard.controller';
import { JOB_COUNTS_READER, MemoryJobCounts } from './stats/job-counts';
import { StatsController } from './stats/stats.controller';
import { INBOUND_LAG_READER, StatsService } from './stats/stats.service';

/**
 * The web dashboard (static shell at /dashboard) and the read-only admin routes it needs beyond
 * the jobs API: /v1/stats/* and /v1/orders/{id}. Same process, same API-key guard.
 */
@Module({
  imports: [OrdersModule],
  controllers: [DashboardController, StatsController, OrderLookupController],
  providers: [
    {
      provide: REPLICA_REGISTRY,
      inject: [{ token: DataSource, optional: true }],
      useFactory: (ds?: DataSource) => (ds ? new MySqlReplicaRegistry(ds) : new MemoryReplicaRegistry()),
    },
    {
      provide: JOB_COUNTS_READER,
      inject: [JOB_STORE, { token: DataSource, optional: true }],
      useFactory: (store: ServiceStore, ds?: DataSource) =>
        ds ? new MySqlJobCounts(ds) : new MemoryJobCounts(() => store.getJobs()),
    },
    {
      provide: INBOUND_LAG_READER,
      inject: [EVENT_BUS, AppConfig, { token: KAFKA_CLIENT, optional: true }],
      useFactory: (bus: EventBus, config: AppConfig, kafka?: Kafka) =>
        kafka
          ? new KafkaConsumerLag(kafka, config.kafka.groupId)
          : {
              lag: async (topics: string[]) =>
                topics.map((topic) => ({ topic, partition: 0, lag: (bus as MemoryEventBus).lag(topic) })),
            },
    },
    ReplicaHeartbeat,
    StatsService,
  ],
})
export class DashboardModule {}
