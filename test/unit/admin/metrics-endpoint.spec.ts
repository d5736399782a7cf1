import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { MetricsService } from '../../../src/app/metrics/metrics.service';
import { httpAdapter } from '../../../src/admin/http-setup';

// Embedded mode (memory store, no Kafka): every named metric is registered and scrapeable.
describe('/metrics', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(loadConfig({ LOG_LEVEL: 'silent' }))],
    }).compile();
    app = moduleRef.createNestApplication(httpAdapter());
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('exposes the scheduler, outbox, Kafka and process metrics in Prometheus text format', async () => {
    app.get(MetricsService).recordDeadLetter('orders.created', 'invalid_json');
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    for (const name of [
      'scheduler_job_runs_total',
      'scheduler_fire_lateness_seconds',
      'scheduler_claim_batch_size',
      'scheduler_due_backlog',
      'scheduler_jobs',
      'outbox_unsent_events',
      'outbox_publish_latency_seconds',
      'outbox_events_published_total',
      'kafka_dead_letter_messages_total',
      'kafka_consumer_lag',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
    expect(res.text).toContain('scheduler_jobs{state="scheduled"} 0');
    expect(res.text).toContain('outbox_unsent_events 0');
    // Embedded: one relay, every shard.
    expect(res.text).toContain('outbox_relay_leader 1');
    expect(res.text).toContain('outbox_relay_shards 16');
    expect(res.text).toContain(
      'kafka_dead_letter_messages_total{topic="orders.created",reason="invalid_json"} 1',
    );
  });
});
