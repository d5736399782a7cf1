import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';

import type { KafkaWithBrokers } from '../config/settings/kafka-settings';
import { ReadinessRegistry } from '../health/readiness';
import { createKafkaClient } from './kafka-client';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/** Readiness asks the cluster for its brokers through a long-lived admin connection. */
@Injectable()
class KafkaReadiness implements OnModuleInit, OnModuleDestroy {
  private admin: Admin | undefined;

  constructor(
    private readonly registry: ReadinessRegistry,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'kafka',
      check: async () => {
        this.admin ??= this.kafka.admin();
        await this.admin.connect();
        const cluster = await this.admin.describeCluster();
        return { status: 'up', detail: `${cluster.brokers.length} broker(s)` };
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin?.disconnect();
  }
}

@Module({})
export class KafkaModule {
  static forRoot(settings: KafkaWithBrokers): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [{ provide: KAFKA_CLIENT, useValue: createKafkaClient(settings) }, KafkaReadiness],
      exports: [KAFKA_CLIENT],
    };
  }
}
