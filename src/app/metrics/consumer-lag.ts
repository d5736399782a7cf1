import { Inject, Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';

import { AppConfig } from '../config/app-config';
import { KAFKA_CLIENT } from '../kafka/kafka.module';
import { MetricsService } from './metrics.service';

/** Scrapes closer together than this reuse the last answer, so a busy scraper cannot load Kafka. */
const MIN_INTERVAL_MS = 5000;

/**
 * Consumer lag per topic/partition for the service's consumer group: log-end offsets minus the
 * group's committed offsets (a partition the group never committed counts from the low watermark).
 * Asked on scrape through one admin connection; the scrape bounds how long it may take.
 */
@Injectable()
export class ConsumerLagCollector implements OnModuleInit, OnModuleDestroy {
  private admin: Admin | undefined;
  private lastCollected = 0;

  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    @Optional() @Inject(KAFKA_CLIENT) private readonly kafka?: Kafka,
  ) {}

  /** The topics the service consumes (DESIGN section 6). */
  get topics(): string[] {
    const c = this.config;
    return [c.topics.ordersCreated, c.topics.ordersPaid, c.topics.schedulerCommands];
  }

  onModuleInit(): void {
    if (this.kafka) this.metrics.onScrape('consumer_lag', () => this.collect());
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin?.disconnect();
  }

  async collect(): Promise<void> {
    if (!this.kafka || Date.now() - this.lastCollected < MIN_INTERVAL_MS) return;
    this.admin ??= this.kafka.admin();
    await this.admin.connect();
    const groupId = this.config.kafka.groupId;
    const existing = new Set(await this.admin.listTopics());
    const topics = this.topics.filter((t) => existing.has(t));
    const committed = await this.admin.fetchOffsets({ groupId, topics });
    for (const topic of topics) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const group = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const offset = Number(group.find((p) => p.partition === end.partition)?.offset ?? -1);
        const from = offset >= 0 ? offset : Number(end.low);
        this.metrics.consumerLag.set(
          { group: groupId, topic, partition: String(end.partition) },
          Math.max(0, Number(end.high) - from),
        );
      }
    }
    this.lastCollected = Date.now();
  }
}
