import { PublishError } from '../../../src/messaging/errors';
import type { BusMessage, EventBus } from '../../../src/messaging/event-bus';
import type { KafkaEventBus } from '../../../src/messaging/kafka/kafka-event-bus';
import { OutboxRelay } from '../../../src/messaging/outbox-relay';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { SystemClock, type OutboxEvent } from '../../../src/scheduler';
import {
  collectMessages,
  createTopics,
  jsonValue,
  uniqueTopic,
  type ConsumedMessage,
  type MessageCollector,
} from '../../support/test-kafka';
import { openStoreDatabase, type StoreDatabase } from '../persistence/store-database';
import { eventually, kafkaBus } from './bus-fixture';

// Budget: each test relays 1,200 events through the real broker and a fresh consumer group joins
// per test (a few seconds each on a loaded 2-core machine); 2 minutes leaves room for the load.
jest.setTimeout(120_000);

const EVENTS = 1200;
const KEYS = 6;
const BATCH = 50;
const IN_FLIGHT = 4;

const id = (n: number): string => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;

// The relay with several batches in flight, between a real MariaDB outbox and the real broker:
// per-key order, no re-read of rows in flight, and what a failure or a stop mid-pipeline may do.
describe('OutboxRelay pipeline: several batches in flight', () => {
  let database: StoreDatabase;
  let store: MySqlJobStore;
  let kafka: KafkaEventBus;
  let topic: string;
  let collector: MessageCollector;
  const clock = new SystemClock();

  /** Events 1..EVENTS over KEYS keys, round robin: every batch holds every key. */
  const events = (): OutboxEvent[] =>
    Array.from({ length: EVENTS }, (_, i) => ({
      eventId: id(i + 1),
      topic,
      key: `k${(i + 1) % KEYS}`,
      value: { n: i + 1 },
      headers: {},
    }));

  /** The real bus, each publish held `delayMs` first (a slower broker) and optionally failed. */
  const slowBus = (
    delayMs: number,
    fail?: (call: number, messages: BusMessage[]) => Error | null,
  ): Pick<EventBus, 'publish'> & { calls: number } => {
    const bus = {
      calls: 0,
      async publish(messages: BusMessage[]): Promise<void> {
        const call = ++bus.calls;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const error = fail?.(call, messages);
        if (error) throw error;
        await kafka.publish(messages);
      },
    };
    return bus;
  };

  const relayOver = (bus: Pick<EventBus, 'publish'>): OutboxRelay =>
    new OutboxRelay(store, bus, clock, {
      batchSize: BATCH,
      batchesInFlight: IN_FLIGHT,
      pollMs: 20,
      retentionHours: 1,
      downAfterMs: 30_000,
      backoffBaseMs: 50,
      backoffMaxMs: 200,
    });

  /** Per key, the values of n in arrival order. */
  const perKey = (messages: ConsumedMessage[]): Map<string, number[]> => {
    const out = new Map<string, number[]>();
    for (const m of messages) {
      const list = out.get(m.key ?? '') ?? [];
      list.push(jsonValue<{ n: number }>(m).n);
      out.set(m.key ?? '', list);
    }
    return out;
  };
  const increasing = (ns: number[]): boolean => ns.every((n, i) => i === 0 || n > ns[i - 1]);

  beforeAll(async () => {
    database = await openStoreDatabase('relay_pipeline');
    store = new MySqlJobStore(database.admin, clock);
    await store.start();
    kafka = kafkaBus();
  });

  beforeEach(async () => {
    await database.truncate();
    topic = uniqueTopic('pipeline');
    await createTopics([topic], 3);
    collector = await collectMessages(topic);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await collector.stop();
  });

  afterAll(async () => {
    await kafka?.close();
    await database?.close();
  });

  it('keeps per-key order with batches in flight, reads no row twice, marks all sent', async () => {
    const fetched: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const fetchUnsent = store.fetchUnsent.bind(store);
    const markSent = store.markSent.bind(store);
    jest.spyOn(store, 'fetchUnsent').mockImplementation(async (limit, query) => {
      const rows = await fetchUnsent(limit, query);
      fetched.push(...rows.map((r) => r.eventId));
      inFlight += rows.length;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return rows;
    });
    const marks: number[] = [];
    jest.spyOn(store, 'markSent').mockImplementation(async (ids, at) => {
      await markSent(ids, at);
      marks.push(ids.length);
      inFlight -= ids.length;
    });
    await store.append(events());
    const relay = relayOver(slowBus(20));
    relay.start();
    const messages = await collector.waitFor(EVENTS, 60_000);
    await eventually(async () => (await store.countUnsent()) === 0, 30_000, 'all marked sent');
    await relay.stop();

    expect(maxInFlight).toBeGreaterThan(BATCH); // more than one batch read ahead of the marks
    expect(maxInFlight).toBeLessThanOrEqual(BATCH * IN_FLIGHT);
    expect(fetched).toHaveLength(EVENTS); // no row read twice
    expect(new Set(fetched).size).toBe(EVENTS);
    expect(marks.reduce((a, b) => a + b, 0)).toBe(EVENTS);
    expect(new Set(messages.map((m) => m.headers['x-event-id'])).size).toBe(EVENTS); // none twice
    for (const [key, ns] of perKey(messages)) {
      expect({ key, ordered: increasing(ns) }).toEqual({ key, ordered: true });
    }
  });

  it('a publish failing mid-pipeline publishes no later batch before it: nothing lost, nothing doubled, order kept', async () => {
    await store.append(events());
    // The third batch's publish fails before anything is sent (a transient broker error).
    const bus = slowBus(10, (call) => (call === 3 ? new PublishError('broker went away') : null));
    const relay = relayOver(bus);
    relay.start();
    const messages = await collector.waitFor(EVENTS, 60_000);
    await eventually(async () => (await store.countUnsent()) === 0, 30_000, 'all marked sent');
    await relay.stop();
    await new Promise((resolve) => setTimeout(resolve, 500)); // anything doubled would arrive by now

    expect(bus.calls).toBeGreaterThan(EVENTS / BATCH); // the failed batch was published again
    expect(collector.messages).toHaveLength(EVENTS);
    expect(new Set(messages.map((m) => m.headers['x-event-id'])).size).toBe(EVENTS);
    for (const [key, ns] of perKey(messages)) {
      expect({ key, ordered: increasing(ns) }).toEqual({ key, ordered: true });
    }
  });

  it('a mark failing after its publish re-publishes only that batch (same eventIds), first deliveries in order', async () => {
    await store.append(events());
    const markSent = store.markSent.bind(store);
    let failedIds: string[] = [];
    let calls = 0;
    jest.spyOn(store, 'markSent').mockImplementation(async (ids, at) => {
      if (++calls === 2) {
        failedIds = ids;
        throw new Error('connection lost before the mark');
      }
      await markSent(ids, at);
    });
    const relay = relayOver(slowBus(10));
    relay.start();
    await eventually(async () => (await store.countUnsent()) === 0, 60_000, 'all marked sent');
    await relay.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const messages = collector.messages;

    expect(failedIds.length).toBeGreaterThan(0);
    const failedEventIds = new Set(
      (await database.admin.query('SELECT event_id FROM scheduler_outbox WHERE id IN (?)', [failedIds])).map(
        (r: { event_id: string }) => r.event_id,
      ),
    );
    const seen = new Map<string, number>();
    for (const m of messages) seen.set(m.headers['x-event-id'], (seen.get(m.headers['x-event-id']) ?? 0) + 1);
    expect(seen.size).toBe(EVENTS); // nothing lost
    for (const [eventId, count] of seen) {
      // At most twice, and only the rows whose mark failed (the contract's re-publish).
      if (count > 1)
        expect({ eventId, count, markFailed: failedEventIds.has(eventId) }).toEqual({
          eventId,
          count: 2,
          markFailed: true,
        });
    }
    const first = messages.filter(
      (m, i) => messages.findIndex((o) => o.headers['x-event-id'] === m.headers['x-event-id']) === i,
    );
    for (const [key, ns] of perKey(first)) {
      expect({ key, ordered: increasing(ns) }).toEqual({ key, ordered: true });
    }
  });

  it('stop() with batches in flight finishes the publish under way, marks it, and leaves the rest unsent for the next leader', async () => {
    await store.append(events());
    let started!: () => void;
    const firstPublish = new Promise<void>((resolve) => (started = resolve));
    const bus = slowBus(300);
    const publish = bus.publish.bind(bus);
    bus.publish = async (messages) => {
      started();
      await publish(messages);
    };
    const relay = relayOver(bus);
    relay.start();
    await firstPublish;
    await relay.stop();

    expect(bus.calls).toBe(1); // no batch waiting behind it was published
    expect(await store.countUnsent()).toBe(EVENTS - BATCH);
    await collector.waitFor(BATCH, 30_000);

    const next = relayOver(slowBus(0));
    next.start();
    const messages = await collector.waitFor(EVENTS, 60_000);
    await eventually(async () => (await store.countUnsent()) === 0, 30_000, 'next leader drained');
    await next.stop();
    expect(new Set(messages.map((m) => m.headers['x-event-id'])).size).toBe(EVENTS);
    for (const [key, ns] of perKey(messages)) {
      expect({ key, ordered: increasing(ns) }).toEqual({ key, ordered: true });
    }
  });
});
