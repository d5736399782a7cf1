import { join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';

import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { ActionHandler, SchedulerModule, SchedulerModuleLifecycle, ScheduledJob } from '../../../src/nest';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { JobDefinitionError } from '../../../src/scheduler/definitions/errors';
import type { RunContext } from '../../../src/scheduler/handlers';
import { MemoryJobStore } from '../../../src/scheduler/memory/memory-job-store';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { ValidationError } from '../../../src/scheduler/errors';
import type { SchedulerEventMap } from '../../../src/scheduler/events';
import { WorkerPoolExecutor } from '../../../src/worker-pool';
import { eventually } from '../../support/eventually';
import { httpAdapter } from '../../../src/admin/http-setup';

const runs: string[] = [];

@Injectable()
class Reports {
  @ScheduledJob('cron', { id: 'nightly', day: 'last sun', hour: 3, misfireGraceTime: 600, max_instances: 2 })
  @ScheduledJob('interval', { id: 'every-minute', minutes: 1, args: { scope: 'all' } })
  nightly(ctx: RunContext): void {
    runs.push(`${ctx.jobId}@${ctx.scheduledAt.toISOString()}`);
  }

  @ActionHandler('orders.timeout', { validateArgs: 'checkArgs' })
  timeout(ctx: RunContext): void {
    runs.push(`timeout ${JSON.stringify(ctx.args)}`);
  }

  checkArgs(args: unknown): void {
    if (typeof args !== 'object' || args === null || !('orderId' in args))
      throw new ValidationError('args.orderId', 'is required');
  }
}

@Injectable()
class Cleanup {
  @ScheduledJob('crontab', { expr: '*/15 * * * *', coalesce: false })
  sweep(): void {
    runs.push('sweep');
  }
}

@Module({ providers: [Reports, Cleanup] })
class FeatureModule {}

async function app(store: MemoryJobStore, clock: FakeClock, extra: unknown[] = []) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      SchedulerModule.forRoot({ store, clock, scheduler: { owner: 'test', maxPollMs: 60_000 } }),
      FeatureModule,
    ],
    providers: extra as never[],
  }).compile();
  const application = moduleRef.createNestApplication(httpAdapter(), { logger: false });
  await application.init();
  return application;
}

describe('SchedulerModule with @ScheduledJob and @ActionHandler (memory store, fake clock)', () => {
  beforeEach(() => runs.splice(0));

  test('decorated jobs are rows in the store; they fire through their method; handlers serve any job', async () => {
    const clock = new FakeClock('2030-01-01T00:00:00Z');
    const store = new MemoryJobStore({ clock });
    const application = await app(store, clock);
    const scheduler = application.get(Scheduler);
    expect(scheduler.running).toBe(true);
    const jobs = new Map((await scheduler.getJobs()).map((j) => [j.id, j]));
    expect([...jobs.keys()].sort()).toEqual(['Cleanup.sweep', 'every-minute', 'nightly']);
    expect(jobs.get('nightly')).toMatchObject({
      trigger: { type: 'cron', day: 'last sun', hour: 3 },
      action: { handler: 'Reports.nightly' },
      misfireGraceTime: 600,
      maxInstances: 2,
      nextRunTime: new Date('2030-01-27T03:00:00Z'),
    });
    expect(jobs.get('every-minute')?.action).toEqual({ handler: 'Reports.nightly', args: { scope: 'all' } });
    expect(jobs.get('Cleanup.sweep')).toMatchObject({
      coalesce: false,
      trigger: { type: 'cron', expr: '*/15 * * * *' },
    });

    await clock.setAsync(Date.parse('2030-01-01T00:01:00.100Z'));
    await clock.settle();
    await new Promise((r) => setTimeout(r, 20));
    await clock.settle();
    expect(runs).toContain('every-minute@2030-01-01T00:01:00.000Z');

    // The @ActionHandler serves jobs made any other way, its validateArgs method included.
    await expect(
      scheduler.addJob({
        trigger: { type: 'date', runDate: '2030-01-01T00:02:00Z' },
        action: { handler: 'orders.timeout' },
      }),
    ).rejects.toMatchObject({ field: 'action.args.orderId' });
    await scheduler.addJob({
      id: 't1',
      trigger: { type: 'date', runDate: '2030-01-01T00:01:30Z' },
      action: { handler: 'orders.timeout', args: { orderId: 'o-1' } },
    });
    await clock.setAsync(Date.parse('2030-01-01T00:01:30.100Z'));
    await clock.settle();
    await new Promise((r) => setTimeout(r, 20));
    await clock.settle();
    expect(runs).toContain('timeout {"orderId":"o-1"}');

    await application.close();
    expect(scheduler.running).toBe(false);
  });

  test('a restart over the same store keeps the next run times; the report says unchanged', async () => {
    // 10 s past the hour: nothing is due while the first app runs.
    const clock = new FakeClock('2030-01-01T00:00:10Z');
    const store = new MemoryJobStore({ clock });
    const first = await app(store, clock);
    const byId = async (s: Scheduler) =>
      Object.fromEntries((await s.getJobs()).map((j) => [j.id, j.nextRunTime?.toISOString()]));
    const before = await byId(first.get(Scheduler));
    expect(before).toEqual({
      'Cleanup.sweep': '2030-01-01T00:15:00.000Z',
      'every-minute': '2030-01-01T00:01:10.000Z',
      nightly: '2030-01-27T03:00:00.000Z',
    });
    await first.close();
    await clock.advanceAsync(30_000);
    const second = await app(store, clock);
    expect(second.get(SchedulerModuleLifecycle).reports).toMatchObject([
      { source: 'code', outcome: 'unchanged' },
    ]);
    expect(await byId(second.get(Scheduler))).toEqual(before);
    await second.close();
  });

  test('forRootAsync takes its options from a factory with injected providers', async () => {
    const clock = new FakeClock('2030-01-01T00:00:00Z');
    @Module({ providers: [{ provide: 'CLOCK_FOR_TEST', useValue: clock }], exports: ['CLOCK_FOR_TEST'] })
    class ClockModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        SchedulerModule.forRootAsync({
          imports: [ClockModule],
          inject: ['CLOCK_FOR_TEST'],
          useFactory: (c: FakeClock) => ({ clock: c, jobs: { source: 'code:reports', version: 3 } }),
        }),
        FeatureModule,
      ],
    }).compile();
    const application = moduleRef.createNestApplication(httpAdapter(), { logger: false });
    await application.init();
    expect(application.get(SchedulerModuleLifecycle).reports).toMatchObject([
      { source: 'code:reports', version: 3, outcome: 'applied' },
    ]);
    expect((await application.get(Scheduler).getJobs()).length).toBe(3);
    await application.close();
  });

  test('a bad @ScheduledJob fails the start, naming the job and the field', async () => {
    @Injectable()
    class Broken {
      @ScheduledJob('cron', { id: 'typo', hour: 3, day_of_weak: 'mon' })
      run(): void {}
    }
    const clock = new FakeClock('2030-01-01T00:00:00Z');
    const error = await app(new MemoryJobStore({ clock }), clock, [Broken]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobDefinitionError);
    expect(error).toMatchObject({ job: 'typo', field: 'day_of_weak' });
    expect((error as Error).message).toContain('Broken.run');
  });

  test('workerHandlers: a worker module registered by the module runs on the pool executor; its events commit', async () => {
    const clock = new FakeClock('2030-01-01T00:00:00Z');
    const store = new MemoryJobStore({ clock });
    const pool = new WorkerPoolExecutor({ clock, maxThreads: 1, timeoutMs: 10_000 });
    const handlers = join(resolve(__dirname, '../../fixtures/worker-modules'), 'handlers.js');
    const moduleRef = await Test.createTestingModule({
      imports: [
        SchedulerModule.forRoot({
          store,
          clock,
          scheduler: { owner: 'test', maxPollMs: 60_000, executors: { pool } },
          workerHandlers: {
            crunch: { module: { filename: handlers, exportName: 'echo' }, executor: 'pool' },
          },
        }),
      ],
    }).compile();
    const application = moduleRef.createNestApplication(httpAdapter(), { logger: false });
    await application.init();
    const scheduler = application.get(Scheduler);
    const executed: Array<SchedulerEventMap['job.executed']> = [];
    scheduler.on('job.executed', (e) => executed.push(e));
    await scheduler.addJob({
      id: 'crunch-1',
      trigger: { type: 'date', runDate: '2030-01-01T00:00:05Z' },
      action: { handler: 'crunch', args: { n: 7 } },
    });
    await clock.advanceAsync(5_000);
    await eventually('the pooled run', async () => {
      await clock.settle();
      return executed.length === 1 ? true : undefined;
    });
    const [event] = executed[0].events;
    expect(event.value).toMatchObject({ args: { n: 7 }, scheduledAt: '2030-01-01T00:00:05.000Z' });
    // It ran on a worker thread, not the app's.
    expect((event.value as { threadId: number }).threadId).not.toBe(threadId);
    expect(await store.countUnsent()).toBe(1);
    // The app's shutdown closes the pool with the scheduler.
    await application.close();
    expect(scheduler.running).toBe(false);
  });

  test('workerHandlers naming an executor the scheduler lacks fails the start, naming executor', async () => {
    const clock = new FakeClock('2030-01-01T00:00:00Z');
    const handlers = join(resolve(__dirname, '../../fixtures/worker-modules'), 'handlers.js');
    const moduleRef = await Test.createTestingModule({
      imports: [
        SchedulerModule.forRoot({
          store: new MemoryJobStore({ clock }),
          clock,
          workerHandlers: {
            crunch: { module: { filename: handlers, exportName: 'echo' }, executor: 'pool' },
          },
        }),
      ],
    }).compile();
    const application = moduleRef.createNestApplication(httpAdapter(), { logger: false });
    await expect(application.init()).rejects.toMatchObject({ field: expect.stringContaining('executor') });
  });
});
