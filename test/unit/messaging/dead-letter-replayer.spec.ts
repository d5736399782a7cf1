import { DeadLetterReplayer } from '../../../src/messaging/dead-letters/dead-letter-replayer';
import { MemoryReplayLedger } from '../../../src/messaging/dead-letters/memory-replay-ledger';
import {
  DeadLetterRangeError,
  PublishError,
  UnknownDeadLetterTopicError,
} from '../../../src/messaging/errors';
import type { BusMessage } from '../../../src/messaging/event-bus';
import { deadLetter } from '../../../src/messaging/inbound/dead-letter';
import { MemoryEventBus } from '../../../src/messaging/memory/memory-event-bus';
import { MemoryTopicReader } from '../../../src/messaging/memory/memory-topic-reader';

// The replayer's rules on the memory bus (embedded mode); the Kafka reader and the MySQL ledger
// are covered end to end in test/integration/messaging/dead-letter-replay.spec.ts.

const TOPIC = 'orders.created';

async function setup(): Promise<{ bus: MemoryEventBus; replayer: DeadLetterReplayer }> {
  const bus = new MemoryEventBus();
  for (let i = 0; i < 4; i++) {
    const record = {
      topic: i === 3 ? 'orders.paid' : TOPIC,
      partition: 0,
      offset: String(10 + i),
      key: `k-${i}`,
      value: Buffer.from(`{"n":${i}}`),
      headers: { 'x-event-id': `e-${i}` },
    };
    // The fourth names another source topic (as if copied to this .dlq by hand).
    await bus.publish([{ ...deadLetter(record, 'VALIDATION_FAILED', `bad ${i}`), topic: `${TOPIC}.dlq` }]);
  }
  const replayer = new DeadLetterReplayer(new MemoryTopicReader(bus), bus, new MemoryReplayLedger(), {
    topics: () => [TOPIC, 'orders.paid'],
  });
  return { bus, replayer };
}

it('lists the most recent dead letters with their error headers split out', async () => {
  const { replayer } = await setup();
  const page = await replayer.list(TOPIC, { limit: 2 });
  expect(page.partitions).toEqual([{ partition: 0, low: '0', high: '4', count: 4 }]);
  expect(page.messages.map((m) => m.offset)).toEqual(['2', '3']);
  expect(page.messages[0]).toMatchObject({
    key: 'k-2',
    value: '{"n":2}',
    headers: { 'x-event-id': 'e-2' },
    error: {
      code: 'VALIDATION_FAILED',
      message: 'bad 2',
      sourceTopic: TOPIC,
      sourcePartition: 0,
      sourceOffset: '12',
    },
    replay: null,
  });
  expect((await replayer.list(TOPIC, { fromOffset: '1', limit: 1 })).messages.map((m) => m.offset)).toEqual([
    '1',
  ]);
  expect(await replayer.summary()).toEqual([
    { topic: TOPIC, dlqTopic: `${TOPIC}.dlq`, count: 4, replayed: 0 },
    { topic: 'orders.paid', dlqTopic: 'orders.paid.dlq', count: 0, replayed: 0 },
  ]);
});

it('replays each message at most once, unchanged but for the x-dlq headers, and never one of another source', async () => {
  const { bus, replayer } = await setup();
  const first = await replayer.replay(TOPIC, { partition: 0, fromOffset: '0', toOffset: '3' });
  expect(first.results).toEqual([
    { offset: '0', outcome: 'replayed' },
    { offset: '1', outcome: 'replayed' },
    { offset: '2', outcome: 'replayed' },
    { offset: '3', outcome: 'other-source-topic' },
  ]);
  const sent = bus.recent(TOPIC);
  expect(sent.map((m) => [m.key, m.value?.toString(), m.headers])).toEqual(
    [0, 1, 2].map((i) => [
      `k-${i}`,
      `{"n":${i}}`,
      { 'x-event-id': `e-${i}`, 'x-dlq-replayed-from': `${TOPIC}.dlq/0/${i}` },
    ]),
  );
  const second = await replayer.replay(TOPIC, { partition: 0, fromOffset: '1', toOffset: '2' });
  expect(second.replayed).toBe(0);
  expect(second.results.map((r) => r.outcome)).toEqual(['already-replayed', 'already-replayed']);
  expect(bus.recent(TOPIC)).toHaveLength(3);
  expect((await replayer.summary())[0].replayed).toBe(3);
});

it('a failed publish is not retried unless asked (the broker may have it)', async () => {
  const { bus, replayer } = await setup();
  const publish = jest.spyOn(bus, 'publish').mockRejectedValueOnce(new PublishError('broker down'));
  await expect(replayer.replay(TOPIC, { partition: 0, fromOffset: '0', toOffset: '0' })).rejects.toThrow(
    PublishError,
  );
  const skipped = await replayer.replay(TOPIC, { partition: 0, fromOffset: '0', toOffset: '0' });
  expect(skipped.results).toEqual([{ offset: '0', outcome: 'failed-earlier' }]);
  const retried = await replayer.replay(TOPIC, {
    partition: 0,
    fromOffset: '0',
    toOffset: '0',
    retryFailed: true,
  });
  expect(retried.results).toEqual([{ offset: '0', outcome: 'replayed' }]);
  expect(publish).toHaveBeenCalledTimes(2);
  expect((publish.mock.calls[1][0] as BusMessage[]).map((m) => m.key)).toEqual(['k-0']);
});

it('refuses unknown topics and bad ranges with stable codes', async () => {
  const { replayer } = await setup();
  await expect(replayer.list('orders.cancel', { limit: 1 })).rejects.toThrow(UnknownDeadLetterTopicError);
  await expect(
    replayer.replay(TOPIC, { partition: 0, fromOffset: '3', toOffset: '2' }),
  ).rejects.toMatchObject({
    code: 'DLQ_RANGE_INVALID',
    field: 'toOffset',
  });
  await expect(replayer.replay(TOPIC, { partition: 0, fromOffset: '0', toOffset: '500' })).rejects.toThrow(
    DeadLetterRangeError,
  );
  await expect(replayer.list(TOPIC, { limit: 0 })).rejects.toMatchObject({ field: 'limit' });
});
