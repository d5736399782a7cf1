import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DestinationStream } from 'pino';

import { HTTP_APP_OPTIONS, httpAdapter, setupHttp } from '../../../src/admin/http-setup';
import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { LOG_DESTINATION } from '../../../src/app/logging/log-destination';
import { CLOCK } from '../../../src/app/scheduler/tokens';
import { FakeClock, Scheduler } from '../../../src/scheduler';

/** Half a minute past midnight: nothing created at start is due at once. */
export const START = '2026-03-27T00:00:30.000Z';
export const API_KEY = 'test-admin-key-0123456789';

export interface AdminTestApp {
  app: INestApplication;
  clock: FakeClock;
  scheduler: Scheduler;
}

/** The whole app in embedded mode (memory store, in-memory bus) with a fake clock, as main.ts sets it up. */
export async function createAdminTestApp(
  env: Record<string, string> = {},
  options: { logDestination?: DestinationStream } = {},
): Promise<AdminTestApp> {
  // Adds and changes wake the loop; a long poll keeps hours of fake time to a few ticks.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    ADMIN_API_KEYS: API_KEY,
    SCHEDULER_MAX_POLL_MS: '60000',
    ...env,
  });
  const clock = new FakeClock(new Date(START));
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .overrideProvider(LOG_DESTINATION)
    .useValue(options.logDestination ?? null)
    .compile();
  const app = moduleRef.createNestApplication(httpAdapter(config), HTTP_APP_OPTIONS);
  setupHttp(app, config);
  await app.init();
  const scheduler = app.get(Scheduler);
  return { app, clock, scheduler };
}
