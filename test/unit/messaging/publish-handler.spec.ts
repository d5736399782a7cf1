import {
  parsePublishArgs,
  PUBLISH_ACTION,
  registerPublishHandler,
} from '../../../src/messaging/publish-handler';
import { eventIdFor, FakeClock, MemoryJobStore, Scheduler } from '../../../src/scheduler';

describe('publish action', () => {
  it('emits one outbox event with the stored value, key and scheduler headers', async () => {
    const clock = new FakeClock('2030-01-01T00:00:00Z');
    const store = new MemoryJobStore({ clock });
    const scheduler = new Scheduler({ store, clock, owner: 'test', maxPollMs: 60_000 });
    registerPublishHandler(scheduler);
    await scheduler.start();
    const runAt = new Date('2030-01-01T00:00:30Z');
    await scheduler.addJob({
      id: 'job-1',
      trigger: { type: 'date', runDate: runAt.toISOString() },
      action: {
        handler: PUBLISH_ACTION,
        args: { topic: 'target.topic', key: 'k-1', value: { hello: 'world' }, headers: { 'x-custom': 'c' } },
      },
    });
    await clock.advanceAsync(30_000);
    await clock.settle();
    await scheduler.shutdown({ wait: true });
    const events = await store.fetchUnsent(10);
    const eventId = eventIdFor('job-1', runAt, 'publish');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventId,
      topic: 'target.topic',
      key: 'k-1',
      value: { hello: 'world' },
      headers: {
        'x-custom': 'c',
        'x-event-id': eventId,
        'x-scheduler-job-id': 'job-1',
        'x-scheduler-scheduled-at': '2030-01-01T00:00:30.000Z',
      },
    });
  });

  it.each([
    [null, 'args'],
    [{ value: 1 }, 'topic'],
    [{ topic: 'bad topic!', value: 1 }, 'topic'],
    [{ topic: 't', key: 5, value: 1 }, 'key'],
    [{ topic: 't' }, 'value'],
    [{ topic: 't', value: 1, headers: { a: 1 } }, 'headers.a'],
  ])('rejects %j naming %s', (args, field) => {
    expect(() => parsePublishArgs(args)).toThrow(
      expect.objectContaining({ code: 'PUBLISH_ARGS_INVALID', field }),
    );
  });

  it('accepts a string value and no key', () => {
    expect(parsePublishArgs({ topic: 't', value: 'raw' })).toEqual({
      topic: 't',
      key: null,
      value: 'raw',
      headers: undefined,
    });
  });
});
