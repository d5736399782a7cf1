import type { InboundRecord } from '../../../src/messaging/event-bus';
import { DLQ_HEADERS } from '../../../src/messaging/inbound/dead-letter';
import { InboundPipeline } from '../../../src/messaging/inbound/inbound-pipeline';
import { InboundRegistry } from '../../../src/messaging/inbound/inbound-registry';
import type { KafkaEventBus } from '../../../src/messaging/kafka/kafka-event-bus';
import { sample, SampleEventDto } from '../../unit/messaging/fixtures';
import { consumeMessages, createTopics, produceMessages, uniqueTopic } from '../../support/test-kafka';
import { eventually, kafkaBus } from './bus-fixture';

// A broker restart and consumer group joins take seconds; the project-level default is 5 s.
jest.setTimeout(120_000);

// The kafkajs adapter against the real broker: round trip, dead letters, manual offset commits.
describe('KafkaEventBus + inbound pipeline on the local broker', () => {
  const buses: KafkaEventBus[] = [];
  const bus = (options: Parameters<typeof kafkaBus>[0] = {}): KafkaEventBus => {
    const b = kafkaBus(options);
    buses.push(b);
    return b;
  };

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it('publishes and consumes with key, value bytes and headers intact', async () => {
    const topic = uniqueTopic('bus-roundtrip');
    await createTopics([topic]);
    const b = bus();
    const received: InboundRecord[] = [];
    b.subscribe([topic], async (batch) => {
      received.push(...batch.records);
    });
    await b.startConsuming();
    await b.publish([
      { topic, key: 'order-1', value: '{"n":1}', headers: { 'x-event-id': 'e-1', trace: 'abc' } },
      { topic, key: null, value: Buffer.from([0, 1, 2, 255]), headers: {} },
    ]);
    await eventually(() => received.length === 2, 30_000, 'two messages');
    expect(received[0]).toMatchObject({
      topic,
      partition: 0,
      offset: '0',
      key: 'order-1',
      headers: { 'x-event-id': 'e-1', trace: 'abc' },
    });
    expect(received[0].value?.toString()).toBe('{"n":1}');
    expect(received[1].key).toBeNull();
    expect([...(received[1].value ?? [])]).toEqual([0, 1, 2, 255]);
    expect(b.consumerStatus().state).toBe('joined');
  });

  it('creates missing topics with ensureTopics', async () => {
    const topic = uniqueTopic('bus-ensure');
    const b = bus();
    await b.ensureTopics([topic, `${topic}.dlq`]);
    await b.ensureTopics([topic]); // already there: no error
    await b.publish([{ topic: `${topic}.dlq`, key: 'k', value: 'x', headers: {} }]);
    expect((await consumeMessages(`${topic}.dlq`, 1))[0].value).toBe('x');
  });

  it('dead-letters poison messages unchanged with error headers; valid messages behind them are handled', async () => {
    const topic = uniqueTopic('bus-poison');
    await createTopics([topic, `${topic}.dlq`]);
    const handled: string[] = [];
    const registry = new InboundRegistry();
    registry.register({
      topic,
      dto: SampleEventDto,
      handleBatch: async (messages) => {
        handled.push(...messages.map((m) => m.value.orderId));
      },
    });
    const b = bus();
    const pipeline = new InboundPipeline(registry, b, {
      maxMessageBytes: 1024,
      retryBaseMs: 10,
      retryMaxMs: 100,
    });
    const poison = [
      '{not json',
      JSON.stringify({ ...sample(2), orderId: undefined }),
      JSON.stringify(sample(3, { lines: [{ sku: 'a', quantity: '1' }] })),
      JSON.stringify(sample(4, { pad: 'x'.repeat(2000) })),
    ];
    await produceMessages(topic, [
      { key: 'o1', value: JSON.stringify(sample(1)) },
      ...poison.map((value, i) => ({ key: `p${i}`, value, headers: { origin: `src-${i}` } })),
      { key: 'o5', value: JSON.stringify(sample(5)) },
    ]);
    b.subscribe([topic], pipeline.handle);
    await b.startConsuming();
    const dlq = await consumeMessages(`${topic}.dlq`, 4);
    await eventually(() => handled.length === 2, 30_000, 'valid messages handled');
    expect(handled).toEqual(['order-1', 'order-5']);
    expect(dlq.map((m) => m.value)).toEqual(poison);
    expect(dlq.map((m) => m.key)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(dlq.map((m) => m.headers[DLQ_HEADERS.code])).toEqual([
      'INVALID_JSON',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'MESSAGE_TOO_LARGE',
    ]);
    dlq.forEach((m, i) =>
      expect(m.headers).toMatchObject({
        origin: `src-${i}`,
        [DLQ_HEADERS.sourceTopic]: topic,
        [DLQ_HEADERS.sourcePartition]: '0',
        [DLQ_HEADERS.sourceOffset]: String(i + 1),
      }),
    );
    expect(dlq[1].headers[DLQ_HEADERS.error]).toContain('orderId');
  });

  it('commits offsets only after the handler succeeded: a consumer killed mid-retry leaves the message to the next one', async () => {
    const topic = uniqueTopic('bus-commit');
    await createTopics([topic]);
    const groupId = `test-commit-${Date.now()}`;
    await produceMessages(topic, [
      { key: 'a', value: 'first' },
      { key: 'a', value: 'second' },
    ]);

    // Consumer 1 handles "first" (committed), then fails on "second" until it is stopped.
    const attempts: string[] = [];
    const first = bus({ groupId, maxBatch: 1 });
    first.subscribe([topic], async (batch) => {
      for (const r of batch.records) {
        attempts.push(String(r.value));
        if (String(r.value) === 'second') throw new Error('database down');
      }
    });
    await first.startConsuming();
    await eventually(() => attempts.filter((a) => a === 'second').length >= 2, 30_000, 'second retried');
    await first.stopConsuming();
    expect(attempts.filter((a) => a === 'first')).toHaveLength(1);

    // Consumer 2 in the same group gets "second" again, and not "first".
    const seen: string[] = [];
    const second = bus({ groupId });
    second.subscribe([topic], async (batch) => {
      seen.push(...batch.records.map((r) => String(r.value)));
    });
    await second.startConsuming();
    await eventually(() => seen.length >= 1, 30_000, 'redelivery');
    expect(seen).toEqual(['second']);
  });
});
