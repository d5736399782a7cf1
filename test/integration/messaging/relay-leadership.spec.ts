import type { KafkaEventBus } from '../../../src/messaging/kafka/kafka-event-bus';
import { OutboxRelay } from '../../../src/messaging/outbox-relay';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { MySqlRelayLock } from '../../../src/persistence/mysql-relay-lock';
import { MySqlRelayShares } from '../../../src/persistence/mysql-relay-shares';
import { ALL_OUTBOX_SHARDS, OUTBOX_SHARDS, SystemClock, type OutboxEvent } from '../../../src/scheduler';
import { collectMessages, createTopics, uniqueTopic } from '../../support/test-kafka';
import { openStoreDatabase, type StoreDatabase } from '../persistence/store-database';
import { eventually, kafkaBus } from './bus-fixture';

jest.setTimeout(120_000);

const id = (n: number): string => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;

const EVERY = [...ALL_OUTBOX_SHARDS];

/** Claims round after round until no sharer's shards change (as relays do between rounds). */
async function settle(sharers: MySqlRelayShares[]): Promise<number[][]> {
  let last = '';
  for (let round = 0; round < 20; round++) {
    const held: number[][] = [];
    for (const sharer of sharers) held.push(await sharer.claim());
    const now = JSON.stringify(held);
    if (now === last) return held;
    last = now;
  }
  throw new Error(`shares did not settle: ${last}`);
}

/** Every shard held by exactly one sharer. */
function expectPartition(held: number[][]): void {
  expect(held.flat().sort((a, b) => a - b)).toEqual(EVERY);
}

// Replicas share one outbox: each shard relayed by one at a time, split fairly, taken over on death.
describe('outbox relay shares on MariaDB', () => {
  let database: StoreDatabase;
  const clock = new SystemClock();

  beforeAll(async () => {
    database = await openStoreDatabase('relay_lead');
  });

  afterAll(async () => {
    await database?.close();
  });

  it("splits the shards fairly between the replicas, and gives a leaver's shards to the others", async () => {
    const sharers = await Promise.all(
      [1, 2, 3].map(async () => new MySqlRelayShares(await database.openPool(2))),
    );
    const [a, b, c] = sharers;
    try {
      expect(await a.claim()).toEqual(EVERY); // alone: every shard
      const three = await settle(sharers);
      expectPartition(three);
      expect(three.map((h) => h.length).sort()).toEqual([5, 5, 6]);
      await b.release();
      const two = await settle([a, c]);
      expectPartition(two);
      expect(two.map((h) => h.length)).toEqual([8, 8]);
      // Back again: it joins, and the others make room on their next claims.
      expectPartition(await settle(sharers));
    } finally {
      await Promise.all(sharers.map((s) => s.release()));
    }
  });

  it("hands a dead replica's shards to the others: the server drops its locks with its connection", async () => {
    const dying = await database.openPool(2);
    const sharers = [new MySqlRelayShares(dying), new MySqlRelayShares(await database.openPool(2))];
    try {
      expectPartition(await settle(sharers));
      expect((await sharers[0].claim()).length).toBe(8);
      await dying.destroy();
      await eventually(
        async () => (await sharers[1].claim()).length === OUTBOX_SHARDS,
        10_000,
        'takes every shard',
      );
      await expect(sharers[0].release()).resolves.toBeUndefined();
    } finally {
      await sharers[1].release();
    }
  });

  it('stands by while a one-relay version leads (rolling upgrade), and keeps it standing by after', async () => {
    const legacy = new MySqlRelayLock(await database.openPool(2)); // the one-relay versions' lock
    const shares = new MySqlRelayShares(await database.openPool(2));
    try {
      expect(await legacy.lead()).toBe(true);
      expect(await shares.claim()).toEqual([]);
      await legacy.release();
      expect(await shares.claim()).toEqual(EVERY);
      expect(await legacy.lead()).toBe(false);
    } finally {
      await shares.release();
      await legacy.release();
    }
  });

  it('grants the lock to one replica per database until it is released', async () => {
    const [poolA, poolB] = [await database.openPool(2), await database.openPool(2)];
    const a = new MySqlRelayLock(poolA);
    const b = new MySqlRelayLock(poolB);
    expect(await a.lead()).toBe(true);
    expect(await b.lead()).toBe(false);
    expect(await a.lead()).toBe(true); // re-asking while leading keeps the lead
    await a.release();
    expect(await b.lead()).toBe(true);
    expect(await a.lead()).toBe(false);
    await b.release();
  });

  it("passes the lead on when the leader's pool dies without releasing", async () => {
    const dying = await database.openPool(2);
    const a = new MySqlRelayLock(dying);
    const b = new MySqlRelayLock(await database.openPool(2));
    expect(await a.lead()).toBe(true);
    expect(await b.lead()).toBe(false);
    await dying.destroy(); // the server drops the connection and with it the named lock
    await eventually(() => b.lead(), 10_000, 'standby takes the lead');
    await b.release();
  });

  it('release after the pool closed (shutdown order) is quiet: the lock went with the connection', async () => {
    const pool = await database.openPool(2);
    const a = new MySqlRelayLock(pool);
    const b = new MySqlRelayLock(await database.openPool(2));
    expect(await a.lead()).toBe(true);
    await pool.destroy();
    await expect(a.release()).resolves.toBeUndefined();
    await eventually(() => b.lead(), 10_000, 'standby takes the lead');
    await b.release();
  });

  it('three relays on one outbox publish each event once, in per-key order, sharing the work', async () => {
    const topic = uniqueTopic('relay_lead');
    await createTopics([topic], 3);
    const store = new MySqlJobStore(database.admin, clock);
    await store.start();
    const buses: KafkaEventBus[] = [kafkaBus(), kafkaBus(), kafkaBus()];
    const relays = await Promise.all(
      buses.map(
        async (bus) =>
          new OutboxRelay(store, bus, clock, {
            batchSize: 20,
            pollMs: 10,
            retentionHours: 1,
            downAfterMs: 30_000,
            standbyPollMs: 10,
            shares: new MySqlRelayShares(await database.openPool(2)),
          }),
      ),
    );
    const collector = await collectMessages(topic);
    try {
      relays.forEach((relay) => relay.start());
      await eventually(
        () =>
          relays.every((r) => r.status().shards.length >= 5) &&
          relays.flatMap((r) => r.status().shards).length === OUTBOX_SHARDS,
        20_000,
        'the relays split the shards',
      );
      const events: OutboxEvent[] = Array.from({ length: 600 }, (_, i) => ({
        eventId: id(i),
        topic,
        key: `order-${i % 40}`,
        value: { n: i },
        headers: {},
      }));
      for (let i = 0; i < events.length; i += 50) await store.append(events.slice(i, i + 50));
      const messages = await collector.waitFor(600);
      await eventually(async () => (await store.countUnsent()) === 0, 30_000, 'all marked sent');
      // The relays' own counts are exact: together they published each event once.
      const relayed = relays.map((r) => r.status().relayed);
      expect(relayed.reduce((x, y) => x + y, 0)).toBe(600);
      expect(Math.min(...relayed)).toBeGreaterThan(0);
      expect(messages).toHaveLength(600);
      expect(new Set(messages.map((m) => m.headers['x-event-id'])).size).toBe(600);
      const byKey = new Map<string, number[]>();
      for (const m of messages) {
        const list = byKey.get(String(m.key)) ?? [];
        list.push((JSON.parse(String(m.value)) as { n: number }).n);
        byKey.set(String(m.key), list);
      }
      for (const list of byKey.values()) expect(list).toEqual([...list].sort((x, y) => x - y));
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await collector.stop();
      await Promise.all(buses.map((bus) => bus.close()));
    }
  });
});
