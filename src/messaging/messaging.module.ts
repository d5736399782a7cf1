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
import { MySqlRelayLock } from '../persistence/mysql-relay-lock';
import { rejectedDataReason } from '../persistence/sql-errors';
import { SOLE_RELAY } from './relay-leadership';
import { MessagingTelemetry } from './telemetry';
import { EVENT_BUS } from './tokens';
import { DeadLetterReplayer } from './dead-letters/dead-letter-replayer';
import { MemoryReplayLedger } from './dead-letters/memory-replay-ledger';
import { KafkaTopicReader } from './kafka/kafka-topic-reader';
import { MemoryTopicReader } from './memory/memory-topic-reader';
import { MySqlReplayLedger } from '../persistence/mysql-replay-ledger';

/** Every topic of DESIGN section 6, as configured (created at start-up when KAFKA_CREATE_TOPICS). */
export function serviceTopics(config: AppConfig): string[] {
  return [
    config.TOPIC_ORDERS_CREATED,
    config.TOPIC_ORDERS_PAID,
    config.TOPIC_ORDERS_CANCEL,
    config.TOPIC_INVENTORY_RESTOCK,
    config.TOPIC_ORDERS_LATE_PAYMENT,
    config.TOPIC_SCHEDULER_COMMANDS,
    config.TOPIC_SCHEDULER_DEAD_LETTER,
  ];
}

function createBus(config: AppConfig, kafka: Kafka | undefined): EventBus {
  if (config.KAFKA_BROKERS && kafka) {
    return new KafkaEventBus(kafka, {
      groupId: config.KAFKA_GROUP_ID,
      fromBeginning: config.KAFKA_CONSUME_FROM_BEGINNING,
      topicPartitions: config.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      maxBatch: config.INBOUND_BATCH_SIZE,
      partitionsConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
      logger: new Logger('kafka'),
    });
  }
  return new MemoryEventBus({
    maxBatch: config.INBOUND_BATCH_SIZE,
    retainPerTopic: config.EMBEDDED_EVENTS_RETAINED,
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
      controllers: config.KAFKA_BROKERS ? [] : [EmbeddedEventsController],
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
                maxMessageBytes: c.MAX_MESSAGE_BYTES,
                retryMaxMs: c.INBOUND_RETRY_MAX_MS,
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
                createTopics: c.KAFKA_CREATE_TOPICS ? serviceTopics(c) : false,
                stuckAfterMs: c.INBOUND_STUCK_AFTER_SECONDS * 1000,
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
                batchSize: c.OUTBOX_BATCH_SIZE,
                pollMs: c.OUTBOX_POLL_MS,
                retentionHours: c.OUTBOX_RETENTION_HOURS,
                downAfterMs: c.OUTBOX_DOWN_AFTER_MS,
                deadLetterAfterMs: c.OUTBOX_DEAD_LETTER_AFTER_MS,
                backoffMaxMs: c.OUTBOX_RETRY_MAX_MS,
                deadLetterTopic: c.TOPIC_SCHEDULER_DEAD_LETTER,
                // Replicas sharing a database elect one relay; alone in memory, it always leads.
                leadership: dataSource ? new MySqlRelayLock(dataSource) : SOLE_RELAY,
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
                ? new KafkaTopicReader(kafka, { groupPrefix: `${c.KAFKA_GROUP_ID}.dlq-reader` })
                : new MemoryTopicReader(bus as MemoryEventBus),
              bus,
              dataSource ? new MySqlReplayLedger(dataSource) : new MemoryReplayLedger(),
              { topics: () => registry.topics() },
            ),
        },
        MessagingLifecycle,
        MessagingMetricsBridge,
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
