import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';

import { ReadinessRegistry } from '../app/health/readiness';
import { Scheduler } from '../scheduler';
import type { EventBus } from './event-bus';
import { InboundConsumer } from './inbound/inbound-consumer';
import { OutboxRelay } from './outbox-relay';
import { EVENT_BUS } from './tokens';

/**
 * Order matters. Init: domain modules register their inbound routes in their own onModuleInit
 * (the publish action is PublishAction's, found by the scheduler module). Bootstrap: the relay starts and the
 * consumer starts (in the background) with every route known. Shutdown (SIGTERM): the consumer
 * stops in onModuleDestroy, which Nest runs before any beforeApplicationShutdown, so before the
 * scheduler stops; the relay and the bus stop last, after the scheduler's final runs committed.
 */
@Injectable()
export class MessagingLifecycle
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger('messaging');
  private unsubscribe: (() => void) | null = null;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly consumer: InboundConsumer,
    private readonly relay: OutboxRelay,
    private readonly scheduler: Scheduler,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register({ name: 'outbox', check: () => this.relay.check() });
    this.readiness.register({ name: 'inbound', check: async () => this.consumer.status() });
    // Committed runs that emitted events wake the relay instead of waiting out its poll. Not on
    // job.executed: that comes before the commit, so each wake found nothing and cost two queries.
    // Commits are what make outbox rows visible: runs' completions and units of work.
    const offRuns = this.scheduler.on('runs.committed', (e) => {
      if (e.events > 0) this.relay.wake();
    });
    const offUnits = this.scheduler.on('transaction.committed', (e) => {
      if (e.events > 0) this.relay.wake();
    });
    this.unsubscribe = () => {
      offRuns();
      offUnits();
    };
  }

  onApplicationBootstrap(): void {
    if (this.bus.kind === 'memory') {
      this.logger.warn(
        'KAFKA_BROKERS is unset: events go to an in-memory bus (POST/GET /v1/events/:topic); nothing reaches Kafka and nothing survives a restart',
      );
    }
    this.relay.start();
    this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.relay.stop();
    await this.bus.close();
  }
}
