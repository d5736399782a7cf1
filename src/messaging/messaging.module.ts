import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

import { AppConfig } from '../app/config/app-config';
import { KAFKA_CLIENT } from '../app/kafka/kafka.module';
import { CLOCK, JOB_STORE } from '../app/scheduler/tokens';
import type { Clock, OutboxStore } from '../scheduler';
import { EmbeddedEventsController } from './embedded/events.controller';
import type { EventBus } from './event-bus';
import { InboundConsumer } from './inbound/inbound-consumer';
import { InboundPipeline } from './inbound/inbound-pipeline';
import { InboundRegistry } from './inbound/inbound-registry';
import { KafkaEventBus } from './kafka/kafka-event-bus';
import { MemoryEventBus } from './memory/memory-event-bus';
import { MessagingLifecycle } from './messaging.lifecycle';
import { MessagingMetricsBridge } from './metrics-bridge';
import { OutboxRelay } from './outbox-relay';
import { PublishAction } from './publish-action';
import { MySqlRelayShares } from '../persistence/mysql-relay-shares';
import { rejectedDataReason } from '../persistence/sql-errors';
import { EVERY_SHARD_HERE } from './relay-leadership';
import { MessagingTelemetry } from './telemetry';
import { EVENT_BUS } from './tokens';
import { DeadLetterReplayer } from './dead-letters/dead-letter-replayer';
import { MemoryReplayLedger } from './dead-letters/memory-replay-ledger';
import { KafkaTopicReader } from './kafka/kafka-topic-reader';
import { MemoryTopicReader } from './memory/memory-topic-reader';
import { MySqlReplayLedger } from '../persistence/mysql-replay-ledger';

/** Every topic of DESIGN section 6, as configured (created at start-up when KAFKA_CREATE_TOPICS). */
function serviceTopics(config: AppConfig): string[] {
  return [
    config.topics.ordersCreated,
    config.topics.ordersPaid,
    config.topics.ordersCancel,
    config.topics.inventoryRestock,
    config.topics.ordersLatePayment,
    config.topics.schedulerCommands,
    config.topics.schedulerDeadLetter,
  ];
}

function createBus(config: AppConfig, kafka: Kafka | undefined): EventBus {
  if (config.kafka.brokers && kafka) {
    return new KafkaEventBus(kafka, {
      groupId: config.kafka.groupId,
      fromBeginning: config.kafka.consumeFromBeginning,
      topicPartitions: config.kafka.topicPartitions,
      replicationFactor: config.kafka.replicationFactor,
      maxBatch: config.inbound.batchSize,
      partitionsConcurrently: config.kafka.partitionsConcurrently,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
      logger: new Logger('kafka'),
    });
  }
  return new MemoryEventBus({
    maxBatch: config.inbound.batchSize,
    retainPerTopic: config.runtime.embeddedEventsRetained,
    logger: new Logger('memory-bus'),
  });
}

/**
 * The event bus (Kafka when KAFKA_BROKERS is set, in memory otherwise), the inbound consumer, the
 * outbox relay and the publish action. Global: domain modules inject InboundRegistry to register
 * their topics, and metrics inject MessagingTelemetry.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MessagingModule,
      controllers: config.kafka.brokers ? [] : [EmbeddedEventsController],
      providers: [
        { provide: MessagingTelemetry, useFactory: () => new MessagingTelemetry() },
        { provide: InboundRegistry, useFactory: () => new InboundRegistry() },
        {
          provide: EVENT_BUS,
          inject: [AppConfig, { token: KAFKA_CLIENT, optional: true }],
          useFactory: createBus,
        },
        {
          provide: InboundPipeline,
          inject: [InboundRegistry, EVENT_BUS, AppConfig, MessagingTelemetry],
          useFactory: (
            registry: InboundRegistry,
            bus: EventBus,
            c: AppConfig,
            telemetry: MessagingTelemetry,
          ) =>
            new InboundPipeline(
              registry,
              bus,
              {
                maxMessageBytes: c.inbound.maxMessageBytes,
                retryMaxMs: c.inbound.retryMaxMs,
                rejectedReason: rejectedDataReason,
              },
              telemetry,
              new Logger('inbound'),
            ),
        },
        {
          provide: InboundConsumer,
          inject: [EVENT_BUS, InboundRegistry, InboundPipeline, AppConfig],
          useFactory: (bus: EventBus, registry: InboundRegistry, pipeline: InboundPipeline, c: AppConfig) =>
            new InboundConsumer(
              bus,
              registry,
              pipeline,
              {
                createTopics: c.kafka.createTopics ? serviceTopics(c) : false,
                stuckAfterMs: c.inbound.stuckAfterSeconds * 1000,
              },
              new Logger('inbound'),
            ),
        },
        {
          provide: OutboxRelay,
          inject: [
            JOB_STORE,
            EVENT_BUS,
            CLOCK,
            AppConfig,
            MessagingTelemetry,
            { token: DataSource, optional: true },
          ],
          useFactory: (
            store: OutboxStore,
            bus: EventBus,
            clock: Clock,
            c: AppConfig,
            telemetry: MessagingTelemetry,
            dataSource?: DataSource,
          ) =>
            new OutboxRelay(
              store,
              bus,
              clock,
              {
                batchSize: c.outbox.batchSize,
                batchesInFlight: c.outbox.batchesInFlight,
                pollMs: c.outbox.pollMs,
                retentionHours: c.outbox.retentionHours,
                downAfterMs: c.outbox.downAfterMs,
                deadLetterAfterMs: c.outbox.deadLetterAfterMs,
                backoffMaxMs: c.outbox.retryMaxMs,
                deadLetterTopic: c.topics.schedulerDeadLetter,
                // Replicas sharing a database split the outbox's shards; alone in memory, it relays all.
                shares: dataSource ? new MySqlRelayShares(dataSource) : EVERY_SHARD_HERE,
              },
              telemetry,
              new Logger('outbox'),
            ),
        },
        {
          provide: DeadLetterReplayer,
          inject: [
            EVENT_BUS,
            InboundRegistry,
            AppConfig,
            { token: KAFKA_CLIENT, optional: true },
            { token: DataSource, optional: true },
          ],
          useFactory: (
            bus: EventBus,
            registry: InboundRegistry,
            c: AppConfig,
            kafka?: Kafka,
            dataSource?: DataSource,
          ) =>
            new DeadLetterReplayer(
              kafka && bus instanceof KafkaEventBus
                ? new KafkaTopicReader(kafka, { groupPrefix: `${c.kafka.groupId}.dlq-reader` })
                : new MemoryTopicReader(bus as MemoryEventBus),
              bus,
              dataSource ? new MySqlReplayLedger(dataSource) : new MemoryReplayLedger(),
              { topics: () => registry.topics() },
            ),
        },
        MessagingLifecycle,
        MessagingMetricsBridge,
        PublishAction,
      ],
      exports: [
        EVENT_BUS,
        InboundRegistry,
        MessagingTelemetry,
        OutboxRelay,
        InboundConsumer,
        DeadLetterReplayer,
      ],
    };
  }
}
