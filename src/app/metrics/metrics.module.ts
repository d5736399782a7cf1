import { Global, Module } from '@nestjs/common';

import { ConsumerLagCollector } from './consumer-lag';
import { JobStatsCollector } from './job-stats';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { SchedulerMetrics } from './scheduler-metrics';

/**
 * /metrics, and the MetricsService other modules record into (global: inject MetricsService
 * anywhere, e.g. the outbox relay's publish latency and the consumers' dead letters).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, SchedulerMetrics, JobStatsCollector, ConsumerLagCollector],
  exports: [MetricsService],
})
export class MetricsModule {}
