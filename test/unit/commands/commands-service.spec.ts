import { CommandsService } from '../../../src/commands/commands.service';
import { MemoryProcessedCommands } from '../../../src/commands/processed-commands';
import type { SchedulerCommandDto } from '../../../src/commands/dto/scheduler-command.dto';
import type { InboundMessage } from '../../../src/messaging/inbound/inbound-message';
import { PermanentMessageError } from '../../../src/messaging/errors';
import { registerPublishHandler } from '../../../src/messaging/publish-handler';
import { parseHttpTargetArgs } from '../../../src/http-target/http-target-args';
import { eventIdFor, FakeClock, MemoryJobStore, Scheduler } from '../../../src/scheduler';
import { eventually } from '../../support/eventually';

const START = new Date('2030-01-01T00:00:00.000Z');
let offset = 0;

function command(
  value: Partial<SchedulerCommandDto> & { eventId: string },
): InboundMessage<SchedulerCommandDto> {
  return {
    topic: 'scheduler.commands',
    partition: 0,
    offset: String(offset++),
    key: null,
    value: value as SchedulerCommandDto,
    headers: {},
    eventId: value.eventId,
  };
}

const schedule = (eventId: string, jobId: string, when: { runAt?: string; delaySeconds?: number }) =>
  command({
    eventId,
    type: 'schedule',
    jobId,
    ...when,
    target: { topic: 'reminders', key: `key-${jobId}`, value: { jobId }, headers: { 'x-tenant': 't1' } },
  });
const cancel = (eventId: string, jobId: string) => command({ eventId, type: 'cancel', jobId });

describe('scheduler.commands (memory store, fake clock)', () => {
  let clock: FakeClock;
  let store: MemoryJobStore;
  let scheduler: Scheduler;
  let service: CommandsService;

  beforeEach(async () => {
    clock = new FakeClock(START);
    store = new MemoryJobStore({ clock });
    scheduler = new Scheduler({ store, clock, owner: 'r1' });
    registerPublishHandler(scheduler);
    service = new CommandsService(scheduler, new MemoryProcessedCommands(), clock);
    await scheduler.start();
  });

  afterEach(async () => {
    await scheduler.shutdown({ wait: true });
  });

  it('publishes the stored target at runAt with its key and headers plus the scheduler headers', async () => {
    await service.handleBatch([schedule('e1', 'job-1', { runAt: '2030-01-01T02:00:00+02:00' })]);
    expect((await store.getJob('job-1'))?.nextRunTime).toEqual(START);
    // Jobs written by the command store are found at the loop's next look (maxPollMs, 1 s here).
    await clock.advanceAsync(1000);
    const [event] = await store.fetchUnsent(10);
    const eventId = eventIdFor('job-1', START, 'publish');
    expect(event).toMatchObject({
      eventId,
      topic: 'reminders',
      key: 'key-job-1',
      value: { jobId: 'job-1' },
      headers: {
        'x-tenant': 't1',
        'x-event-id': eventId,
        'x-scheduler-job-id': 'job-1',
        'x-scheduler-scheduled-at': START.toISOString(),
      },
    });
  });

  it('delaySeconds counts from now; the same command twice leaves one job and publishes once', async () => {
    await clock.advanceAsync(10_000);
    const cmd = schedule('e1', 'job-1', { delaySeconds: 30 });
    await service.handleBatch([cmd, cmd]);
    await service.handleBatch([schedule('e2', 'job-1', { delaySeconds: 99 })]);
    expect((await store.getJobs()).map((j) => [j.id, j.nextRunTime])).toEqual([
      ['job-1', new Date(START.getTime() + 40_000)],
    ]);
    await clock.advanceAsync(30_000);
    expect(await store.fetchUnsent(10)).toHaveLength(1);
    // Redelivered after it fired: not scheduled again.
    await service.handleBatch([cmd]);
    expect(await store.getJobs()).toEqual([]);
    expect(service.stats.schedule).toEqual({ scheduled: 1, duplicate: 2, exists: 1 });
  });

  it('cancel removes the job; a missing job or a redelivered cancel is no error and changes nothing', async () => {
    await service.handleBatch([
      schedule('e1', 'job-1', { delaySeconds: 60 }),
      cancel('c1', 'job-1'),
      cancel('c2', 'nobody'),
    ]);
    expect(await store.getJobs()).toEqual([]);
    // The same job id scheduled again: the old cancel, redelivered, must not remove it.
    await service.handleBatch([schedule('e3', 'job-1', { delaySeconds: 60 }), cancel('c1', 'job-1')]);
    expect((await store.getJobs()).map((j) => j.id)).toEqual(['job-1']);
    await clock.advanceAsync(60_000);
    expect(await store.fetchUnsent(10)).toHaveLength(1);
    expect(service.stats.cancel).toEqual({ removed: 1, missing: 1, duplicate: 1 });
  });

  it('a delaySeconds: 0 command fires at once: its unit of work wakes the sleeping loop', async () => {
    await clock.advanceAsync(1); // the loop found nothing due and sleeps until its next poll
    const added: string[] = [];
    scheduler.on('job.added', (e) => added.push(e.jobId));
    await service.handleBatch([schedule('now-1', 'job-now', { delaySeconds: 0 })]);
    expect(added).toEqual(['job-now']);
    // No clock advance: only the wake-up after commit can make it fire.
    await eventually('the publish', async () =>
      (await store.fetchUnsent(10)).length === 1 ? true : undefined,
    );
    expect(await store.getJob('job-now')).toBeNull();
  });
});

describe('scheduler.commands with an http target and a retry policy', () => {
  const clock = new FakeClock(START);
  const store = new MemoryJobStore({ clock });
  const scheduler = new Scheduler({ store, clock, owner: 'r1' });
  registerPublishHandler(scheduler);
  scheduler.registerHandler('http', () => undefined, {
    validateArgs: (args) => void parseHttpTargetArgs(args),
  });
  const service = new CommandsService(scheduler, new MemoryProcessedCommands(), clock);
  const http = { url: 'https://hooks.example.com/remind', body: { invoice: 42 } };

  it('schedules an http job carrying its retry policy', async () => {
    await service.handleBatch([
      command({
        eventId: 'h1',
        type: 'schedule',
        jobId: 'remind-42',
        delaySeconds: 60,
        http,
        retry: { maxAttempts: 7 },
      }),
    ]);
    const job = await store.getJob('remind-42');
    expect(job?.action).toEqual({ handler: 'http', args: http });
    expect(job?.retry).toEqual({ maxAttempts: 7 });
    expect(job?.nextRunTime).toEqual(new Date(START.getTime() + 60_000));
  });

  it.each<[string, Partial<SchedulerCommandDto>]>([
    ['an http target the engine refuses', { http: { url: 'ftp://example.com' } }],
    ['both a Kafka and an http target', { http, target: { topic: 't', value: 1 } }],
    ['a bad retry policy', { http, retry: { maxAttempts: 0 } }],
  ])('dead-letters a command with %s, storing nothing', async (_, extra) => {
    const message = command({
      eventId: `bad-${offset}`,
      type: 'schedule',
      jobId: `bad-${offset}`,
      delaySeconds: 1,
      ...extra,
    });
    await expect(service.handleBatch([message])).rejects.toBeInstanceOf(PermanentMessageError);
    expect(await store.getJob(message.value.jobId)).toBeNull();
  });
});
