import { crc32 } from 'node:zlib';

import { PublishError } from '../../../src/messaging/errors';
import type { BusMessage } from '../../../src/messaging/event-bus';
import type { RelayShares } from '../../../src/messaging/relay-leadership';
import { ALL_OUTBOX_SHARDS, OUTBOX_SHARDS, outboxShard, type OutboxEvent } from '../../../src/scheduler';
import { relayOver, until } from './relay-fixture';

/** A bus that records what it publishes; topics in `refusing` are refused for good. */
class RecordingBus {
  readonly published: BusMessage[] = [];
  readonly refusing = new Set<string>();

  async publish(messages: BusMessage[]): Promise<void> {
    const bad = messages.find((m) => this.refusing.has(m.topic));
    if (bad) throw new PublishError('unknown topic', undefined, 'UNKNOWN_TOPIC', [bad.topic]);
    this.published.push(...messages);
  }

  ns(): number[] {
    return this.published.map((m) => (JSON.parse(String(m.value)) as { n: number }).n);
  }
}

/** Shares handed out by the test: what `claim` returns is whatever `shards` holds at that moment. */
class GivenShares implements RelayShares {
  shards: number[] = [];
  released = 0;
  claim = (): Promise<number[]> => Promise.resolve([...this.shards]);
  release = (): Promise<void> => {
    this.released++;
    return Promise.resolve();
  };
}

// Keys spread over every shard: key(s, j) is the j-th key found in shard s.
const keysByShard = new Map<number, string[]>();
for (
  let i = 0;
  keysByShard.size < OUTBOX_SHARDS || [...keysByShard.values()].some((k) => k.length < 3);
  i++
) {
  const key = `order-${i}`;
  const list = keysByShard.get(outboxShard(key)) ?? [];
  list.push(key);
  keysByShard.set(outboxShard(key), list);
}
const key = (shard: number, j = 0): string => keysByShard.get(shard)![j];

const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const event = (n: number, k: string, topic = 'orders.cancel'): OutboxEvent => ({
  eventId: uuid(n),
  topic,
  key: k,
  value: { n },
  headers: {},
});

/** Events 0..count-1 over shards round-robin, three keys per shard. */
const spread = (count: number, topic?: string): OutboxEvent[] =>
  Array.from({ length: count }, (_, n) => event(n, key(n % OUTBOX_SHARDS, n % 3), topic));

describe('outboxShard', () => {
  it('is CRC-32 of the key in UTF-8, modulo the shard count; no key is shard 0', () => {
    expect(OUTBOX_SHARDS).toBe(16);
    expect(outboxShard('123456789')).toBe(0xcbf43926 % 16); // the CRC-32 check value
    expect(outboxShard('ü-ключ-🙂')).toBe(crc32(Buffer.from('ü-ключ-🙂', 'utf8')) % 16);
    expect(outboxShard(null)).toBe(0);
    expect(outboxShard('')).toBe(0);
  });

  it('spreads keys over every shard evenly enough to share the relay', () => {
    const counts = new Array<number>(OUTBOX_SHARDS).fill(0);
    for (let i = 0; i < 16_000; i++) counts[outboxShard(`order-${i}`)]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });
});

describe('OutboxRelay with a share of the shards', () => {
  it('publishes only the events of its shards, in order; the rest wait for their relay', async () => {
    const shares = new GivenShares();
    shares.shards = [1, 5, 9];
    const { store, bus, relay } = relayOver(new RecordingBus(), { shares, batchSize: 4 });
    const events = spread(64);
    await store.append(events);
    relay.start();
    const mine = events
      .filter((e) => [1, 5, 9].includes(outboxShard(e.key)))
      .map((e) => (e.value as { n: number }).n);
    await until(() => bus.published.length === mine.length);
    await relay.stop();
    expect(bus.ns()).toEqual(mine);
    expect(await store.countUnsent()).toBe(64 - mine.length);
    expect(shares.released).toBe(1);
  });

  it('takes up shards it is given between rounds, and says which it relays', async () => {
    const shares = new GivenShares();
    shares.shards = [2];
    const { store, bus, relay } = relayOver(new RecordingBus(), { shares, standbyPollMs: 5 });
    await store.append(spread(32));
    relay.start();
    try {
      await until(() => bus.published.length === 2);
      expect(await relay.check()).toEqual({ status: 'up', detail: 'relaying shards 2 of 16, backlog 30' });
      shares.shards = [...ALL_OUTBOX_SHARDS];
      await until(() => bus.published.length === 32);
      expect((await relay.check()).detail).toBe('leader, backlog 0');
      shares.shards = [];
      await until(() => !relay.status().leader);
      expect((await relay.check()).detail).toBe('standby, backlog 0');
    } finally {
      await relay.stop();
    }
    // Shard 2's events first, then everything else in id order; each exactly once.
    expect(new Set(bus.ns()).size).toBe(32);
    expect(bus.ns().slice(0, 2)).toEqual([2, 18]);
  });

  it('counts and prunes the outbox only while it holds shard 0', async () => {
    for (const [shards, counts] of [
      [[0, 3], true],
      [[3, 4], false],
    ] as const) {
      const shares = new GivenShares();
      shares.shards = [...shards];
      const { bus, relay, telemetry } = relayOver(new RecordingBus(), { shares, countEveryMs: 0 });
      const backlogs: number[] = [];
      telemetry.on('outbox.backlog', (e) => backlogs.push(e.backlog));
      relay.start();
      await until(() => relay.status().leader);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await relay.stop();
      expect(bus.published).toEqual([]);
      expect(backlogs.length > 0).toBe(counts);
    }
  });

  it('retries an isolated topic with the events of its own shards only', async () => {
    const shares = new GivenShares();
    shares.shards = [7];
    const { store, bus, clock, relay } = relayOver(new RecordingBus(), {
      shares,
      isolatedRetryBaseMs: 1000,
      isolatedRetryMaxMs: 1000,
    });
    bus.refusing.add('bad');
    await store.append([event(1, key(7), 'bad'), event(2, key(8), 'bad'), event(3, key(7, 1), 'bad')]);
    relay.start();
    await until(() => relay.status().isolatedTopics.includes('bad'));
    bus.refusing.delete('bad');
    clock.advance(1000);
    await until(() => bus.published.length === 2);
    await relay.stop();
    expect(bus.ns()).toEqual([1, 3]);
    expect(await store.countUnsent()).toBe(1);
  });
});
