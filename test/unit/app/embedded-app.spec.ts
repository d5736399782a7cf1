import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { JOB_STORE } from '../../../src/app/scheduler/tokens';
import { MemoryJobStore, Scheduler } from '../../../src/scheduler';
import { httpAdapter } from '../../../src/admin/http-setup';

// Embedded mode needs no service at all: memory store, no Kafka, and it is ready.
describe('app in embedded mode', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(loadConfig({}))],
    }).compile();
    app = moduleRef.createNestApplication(httpAdapter());
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('uses the memory store and a running scheduler', () => {
    expect(app.get(JOB_STORE)).toBeInstanceOf(MemoryJobStore);
    expect(app.get(Scheduler).running).toBe(true);
  });

  it('is ready with the scheduler, the outbox relay and the in-memory consumer to check', async () => {
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      checks: {
        scheduler: { status: 'up' },
        outbox: { status: 'up', detail: expect.stringMatching(/backlog 0$/) },
        inbound: { status: 'up', detail: expect.stringMatching(/topic/) },
      },
    });
  });
});
