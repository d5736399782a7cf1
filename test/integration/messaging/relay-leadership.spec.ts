import type { KafkaEventBus } from '../../../src/messaging/kafka/kafka-event-bus';
import { OutboxRelay } from '../../../src/messaging/outbox-relay';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { MySqlRelayLock } from '../../../src/persistence/mysql-relay-lock';
import { SystemClock, type OutboxEvent } from '../../../src/scheduler';
import { collectMessages, createTopics, uniqueTopic } from '../../support/test-kafka';
import { openStoreDatabase, type StoreDatabase } from '../persistence/store-database';
import { eventually, kafkaBus } from './bus-fixture';

jest.setTimeout(120_000);

const id = (n: number): string => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;

// Two replicas share one outbox: exactly one relays at a time, and the other takes over on death.
describe('outbox relay leadership on MariaDB', () => {
  let database: StoreDatabase;
  const clock = new SystemClock();

  beforeAll(async () => {
    database = await openStoreDatabase('relay_lead');
  });

  afterAll(async () => {
    await database?.close();
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

  it('publishes each event once with two relays running on one outbox', async () => {
    const topic = uniqueTopic('relay_lead');
    await createTopics([topic], 3);
    const store = new MySqlJobStore(database.admin, clock);
    await store.start();
    const buses: KafkaEventBus[] = [kafkaBus(), kafkaBus()];
    const relays = await Promise.all(
      buses.map(
        async (bus) =>
          new OutboxRelay(store, bus, clock, {
            batchSize: 20,
            pollMs: 10,
            retentionHours: 1,
            downAfterMs: 30_000,
            standbyPollMs: 10,
            leadership: new MySqlRelayLock(await database.openPool(2)),
          }),
      ),
    );
    const collector = await collectMessages(topic);
    try {
      relays.forEach((relay) => relay.start());
      const events: OutboxEvent[] = Array.from({ length: 200 }, (_, i) => ({
        eventId: id(i),
        topic,
        key: `k-${i % 5}`,
        value: { n: i },
        headers: {},
      }));
      for (let i = 0; i < events.length; i += 20) await store.append(events.slice(i, i + 20));
      const messages = await collector.waitFor(200);
      await eventually(async () => (await store.countUnsent()) === 0, 30_000, 'all marked sent');
      // The relays' own counts are exact: the standby published nothing, so no event went out twice.
      const leaders = relays.filter((r) => r.status().leader);
      expect(leaders).toHaveLength(1);
      expect(relays.map((r) => r.status().relayed).sort((x, y) => x - y)).toEqual([0, 200]);
      expect(new Set(messages.map((m) => m.headers['x-event-id'])).size).toBe(200);
      expect(messages).toHaveLength(200);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await collector.stop();
      await Promise.all(buses.map((bus) => bus.close()));
    }
  });
});
