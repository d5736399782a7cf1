import { type DynamicModule, Module } from '@nestjs/common';

import { AdminModule } from '../admin/admin.module';
import { HttpServerReady } from '../admin/http/http-server-ready';
import { CommandsModule } from '../commands/commands.module';
import { HttpTargetModule } from '../http-target/http-target.module';
import { DashboardModule } from '../dashboard/dashboard.module';
import { OrdersModule } from '../orders/orders.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { ReadinessModule } from './health/readiness';
import { KafkaModule } from './kafka/kafka.module';
import { LoggingModule } from './logging/logging.module';
import { MessagingModule } from '../messaging/messaging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RetentionModule } from './retention/retention.module';
import { SchedulerModule } from './scheduler/scheduler.module';

/** The whole service, shaped by config: MySQL when DATABASE_URL is set, Kafka when KAFKA_BROKERS is. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const { url } = config.database;
    const { brokers } = config.kafka;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        ReadinessModule,
        HealthModule,
        ...(url ? [DatabaseModule.forRoot({ ...config.database, url })] : []),
        ...(brokers ? [KafkaModule.forRoot({ ...config.kafka, brokers })] : []),
        SchedulerModule,
        MessagingModule.forRoot(config),
        MetricsModule,
        AdminModule,
        OrdersModule,
        CommandsModule,
        HttpTargetModule,
        DashboardModule,
        RetentionModule,
      ],
      providers: [HttpServerReady],
    };
  }
}
