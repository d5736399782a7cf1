import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { RetentionLoop } from '../../../src/app/retention/retention-loop';
import { CLOCK } from '../../../src/app/scheduler/tokens';
import { CommandsService } from '../../../src/commands/commands.service';
import { OrdersService } from '../../../src/orders/orders.service';
import { FakeClock } from '../../../src/scheduler';
import { orderCreated, orderPaid, scheduleCommand } from '../../support/retention-month';
import { httpAdapter } from '../../../src/admin/http-setup';

// The service in embedded mode: retention wired to the memory tables, its figures on /metrics.

const T0 = new Date('2030-04-01T00:00:00.000Z');
const DAY = 86_400_000;

const metric = (text: string, name: string, table: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{table="${table}"} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

describe('retention in embedded mode', () => {
  let app: INestApplication;
  const clock = new FakeClock(T0);

  beforeAll(async () => {
    // Adds wake the loop: a poll of a day keeps 8 days of fake time to a few loop ticks.
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      SCHEDULER_MAX_POLL_MS: String(DAY),
      ADMIN_API_KEYS: 'k'.repeat(32),
      RETENTION_ORDER_STATES_DAYS: '7',
      RETENTION_PROCESSED_COMMANDS_DAYS: '7',
      RETENTION_RUN_HISTORY_DAYS: '1',
      RETENTION_RUN_HISTORY_KEEP_LAST: '0',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    app = moduleRef.createNestApplication(httpAdapter());
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('prunes old rows of every table and shows rows and rows pruned on /metrics', async () => {
    const orders = app.get(OrdersService);
    await orders.handleCreated(['a', 'b', 'c'].map((id) => orderCreated(id, T0, 60)));
    await orders.handlePaid(['a', 'b'].map((id) => orderPaid(id, T0)));
    await app
      .get(CommandsService)
      .handleBatch([scheduleCommand('e1', 'j1', 1), scheduleCommand('e2', 'j2', 1)]);
    await clock.advanceAsync(120_000);

    const before = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
    expect(metric(before, 'db_table_rows', 'order_states')).toBe(3);
    expect(metric(before, 'db_table_rows', 'processed_commands')).toBe(2);
    // c's timeout and the two commands ran.
    expect(metric(before, 'db_table_rows', 'scheduler_job_runs')).toBe(3);
    expect(metric(before, 'db_table_rows', 'scheduler_jobs')).toBe(0);

    await clock.advanceAsync(8 * DAY);
    const reports = await app.get(RetentionLoop).runPass();
    expect(Object.fromEntries(reports.map((r) => [r.table, r.rows]))).toEqual({
      scheduler_job_runs: 3,
      order_states: 3,
      processed_commands: 2,
    });
    const after = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
    expect(metric(after, 'retention_rows_pruned_total', 'order_states')).toBe(3);
    expect(metric(after, 'retention_rows_pruned_total', 'processed_commands')).toBe(2);
    expect(metric(after, 'retention_rows_pruned_total', 'scheduler_job_runs')).toBe(3);
    expect(metric(after, 'retention_last_pass_seconds', 'order_states')).toBeGreaterThanOrEqual(0);
  });
});
