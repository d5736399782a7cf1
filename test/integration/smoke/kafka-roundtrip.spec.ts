// Smoke: a message produced through kafkajs comes back from the local broker, key and headers intact.
import {
  consumeMessages,
  createTopics,
  deleteTopics,
  jsonValue,
  produceMessages,
  uniqueTopic,
} from '../../support/test-kafka';

describe('smoke: Kafka through kafkajs', () => {
  const topic = uniqueTopic('smoke.roundtrip');

  beforeAll(async () => {
    await createTopics([topic], 3);
  });

  afterAll(async () => {
    await deleteTopics([topic]);
  });

  it('consumes what was produced, with key, JSON value and headers', async () => {
    await produceMessages(topic, [
      { key: 'order-1', value: { eventId: 'e-1', orderId: 'order-1' }, headers: { 'x-event-id': 'e-1' } },
      { key: 'order-2', value: { eventId: 'e-2', orderId: 'order-2' }, headers: { 'x-event-id': 'e-2' } },
    ]);

    const messages = await consumeMessages(topic, 2, 30_000);

    const byKey = Object.fromEntries(messages.map((m) => [m.key, m]));
    expect(Object.keys(byKey).sort()).toEqual(['order-1', 'order-2']);
    expect(jsonValue(byKey['order-1'])).toEqual({ eventId: 'e-1', orderId: 'order-1' });
    expect(byKey['order-2'].headers).toEqual({ 'x-event-id': 'e-2' });
  });

  it('fails with a clear message when too few messages arrive', async () => {
    const empty = uniqueTopic('smoke.empty');
    await createTopics([empty]);
    try {
      await expect(consumeMessages(empty, 1, 1500)).rejects.toThrow(
        `expected 1 message(s) on topic ${empty} within 1500 ms, got 0`,
      );
    } finally {
      await deleteTopics([empty]);
    }
  });
});
