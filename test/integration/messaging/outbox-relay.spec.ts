import { OutboxRelay } from '../../../src/messaging/outbox-relay';
import type { KafkaEventBus } from '../../../src/messaging/kafka/kafka-event-bus';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { SystemClock, type OutboxEvent } from '../../../src/scheduler';
import { openStoreDatabase, type StoreDatabase } from '../persistence/store-database';
import {
  collectMessages,
  createTopics,
  jsonValue,
  startKafka,
  stopKafka,
  uniqueTopic,
} from '../../support/test-kafka';
import { eventually, kafkaBus } from './bus-fixture';

// A broker restart and consumer group joins take seconds; the project-level default is 5 s.
jest.setTimeout(300_000);

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

// The relay between the MariaDB outbox and the real broker, including a broker restart.
describe('OutboxRelay: MariaDB outbox to Kafka', () => {
  let database: StoreDatabase;
  let store: MySqlJobStore;
  let bus: KafkaEventBus;
  let topic: string;
  const clock = new SystemClock();

  const events = (from: number, to: number): OutboxEvent[] =>
    Array.from({ length: to - from + 1 }, (_, i) => ({
      eventId: id(from + i),
      topic,
      key: `order-${(from + i) % 4}`,
      value: { orderId: `order-${(from + i) % 4}`, n: from + i },
      headers: { origin: 'relay-test' },
    }));
  const relayFor = (downAfterMs = 30_000): OutboxRelay =>
    new OutboxRelay(store, bus, clock, {
      batchSize: 50,
      pollMs: 20,
      retentionHours: 1,
      downAfterMs,
      backoffBaseMs: 100,
      backoffMaxMs: 1000,
    });

  beforeAll(async () => {
    database = await openStoreDatabase('relay');
    store = new MySqlJobStore(database.admin, clock);
    await store.start();
  });

  beforeEach(async () => {
    topic = uniqueTopic('relay');
    await createTopics([topic], 3);
    bus = kafkaBus();
  });

  afterEach(async () => {
    await bus.close();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('publishes in order per key with eventId in body and header, and marks them sent', async () => {
    const collector = await collectMessages(topic);
    try {
      await store.append(events(1, 120));
      const relay = relayFor();
      relay.start();
      const messages = await collector.waitFor(120);
      await eventually(async () => (await store.countUnsent()) === 0, 30_000, 'all marked sent');
      await relay.stop();
      for (const m of messages) {
        const body = jsonValue<{ eventId: string; orderId: string; n: number }>(m);
        expect(m.headers['x-event-id']).toBe(body.eventId);
        expect(m.headers.origin).toBe('relay-test');
        expect(m.key).toBe(body.orderId);
      }
      for (let k = 0; k < 4; k++) {
        const ns = messages.filter((m) => m.key === `order-${k}`).map((m) => jsonValue<{ n: number }>(m).n);
        expect(ns).toEqual([...ns].sort((a, b) => a - b));
      }
      expect(new Set(messages.map((m) => m.headers['x-event-id'])).size).toBe(120);
    } finally {
      await collector.stop();
    }
  });

  it('survives a broker restart: backs off, reports down with the backlog, then drains with nothing lost', async () => {
    const relay = relayFor(0);
    await store.append(events(1001, 1010));
    relay.start();
    await eventually(async () => (await store.countUnsent()) === 0, 30_000, 'first batch sent');
    await stopKafka();
    try {
      await store.append(events(1011, 1040));
      await eventually(() => relay.status().failingSince !== null, 60_000, 'relay failing');
      const check = await relay.check();
      expect(check.status).toBe('down');
      expect(check.detail).toContain('backlog 30');
    } finally {
      await startKafka();
    }
    await eventually(async () => (await store.countUnsent()) === 0, 120_000, 'backlog drained');
    expect((await relay.check()).status).toBe('up');
    await relay.stop();
    const collector = await collectMessages(topic, { fromBeginning: true });
    try {
      const messages = await collector.waitFor(40, 60_000);
      const ids = new Set(messages.map((m) => m.headers['x-event-id']));
      for (let n = 1001; n <= 1040; n++) expect(ids.has(id(n))).toBe(true);
    } finally {
      await collector.stop();
    }
  });

  it('re-publishes the same eventId when it crashes between publish and mark', async () => {
    const collector = await collectMessages(topic);
    try {
      await store.append(events(2001, 2003));
      const crashing = relayFor();
      const markSent = jest.spyOn(store, 'markSent').mockRejectedValueOnce(new Error('killed before mark'));
      await expect(crashing.relayOnce()).rejects.toThrow('killed before mark');
      markSent.mockRestore();
      // A new relay (as after a restart) finds the rows unsent and publishes them again.
      expect(await relayFor().relayOnce()).toBe(3);
      const messages = await collector.waitFor(6);
      const ids = messages.map((m) => m.headers['x-event-id']).sort();
      expect(ids).toEqual([id(2001), id(2001), id(2002), id(2002), id(2003), id(2003)]);
      for (const m of messages)
        expect(jsonValue<{ eventId: string }>(m).eventId).toBe(m.headers['x-event-id']);
      expect(await store.countUnsent()).toBe(0);
    } finally {
      await collector.stop();
    }
  });
});
