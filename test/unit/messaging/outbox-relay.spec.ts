import type { BusMessage } from '../../../src/messaging/event-bus';
import type { OutboxRelayOptions } from '../../../src/messaging/outbox-relay';
import { serializeValue } from '../../../src/messaging/outbox-wire-format';
import type { OutboxEvent } from '../../../src/scheduler';
import { relayOver, until } from './relay-fixture';

/** A bus that records what it was asked to publish and fails while `failing` is set. */
class FakeBus {
  readonly published: BusMessage[] = [];
  calls = 0;
  failing: Error | null = null;

  async publish(messages: BusMessage[]): Promise<void> {
    this.calls++;
    if (this.failing) throw this.failing;
    this.published.push(...messages);
  }
}

const event = (n: number, key = `order-${n % 3}`): OutboxEvent => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  topic: n % 2 ? 'orders.cancel' : 'inventory.restock',
  key,
  value: { orderId: key, n },
  headers: { source: 'test' },
});

const setup = (options: Partial<OutboxRelayOptions> = {}) => relayOver(new FakeBus(), options);

describe('OutboxRelay', () => {
  it('publishes in insertion order with eventId in the body and the x-event-id header, then marks sent', async () => {
    const { store, bus, relay } = setup();
    await store.append([1, 2, 3, 4, 5].map((n) => event(n)));
    expect(await relay.relayOnce()).toBe(5);
    expect(bus.published.map((m) => JSON.parse(String(m.value)).n)).toEqual([1, 2, 3, 4, 5]);
    const first = bus.published[0];
    expect(first).toEqual({
      topic: 'orders.cancel',
      key: 'order-1',
      value: JSON.stringify({ eventId: event(1).eventId, orderId: 'order-1', n: 1 }),
      headers: { source: 'test', 'x-event-id': event(1).eventId },
    });
    expect(await store.countUnsent()).toBe(0);
    expect(await relay.relayOnce()).toBe(0);
  });

  it('serializes values: objects get eventId unless they carry one, strings pass through, others as JSON', () => {
    expect(serializeValue({ a: 1 }, 'e')).toBe('{"eventId":"e","a":1}');
    expect(serializeValue({ eventId: 'mine', a: 1 }, 'e')).toBe('{"eventId":"mine","a":1}');
    expect(serializeValue('plain text {', 'e')).toBe('plain text {');
    expect(serializeValue([1, 2], 'e')).toBe('[1,2]');
    expect(serializeValue(null, 'e')).toBe('null');
    expect(serializeValue(42, 'e')).toBe('42');
  });

  it('drains a backlog larger than a batch without waiting for the poll, in order', async () => {
    const { store, bus, relay } = setup({ batchSize: 7, pollMs: 60_000 });
    await store.append(Array.from({ length: 30 }, (_, i) => event(i + 1)));
    relay.start();
    await until(() => bus.published.length === 30);
    await relay.stop();
    expect(bus.published.map((m) => JSON.parse(String(m.value)).n)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
  });

  it('backs off while the broker is down, reports down after downAfterMs with backlog and error, drains after', async () => {
    const { clock, store, bus, relay, telemetry } = setup({ downAfterMs: 10_000 });
    const errors: unknown[] = [];
    telemetry.on('outbox.error', (e) => errors.push(e.error));
    bus.failing = new Error('broker unreachable');
    await store.append([1, 2, 3].map((n) => event(n)));
    relay.start();
    await until(() => bus.calls >= 3);
    expect((await relay.check()).status).toBe('up');
    clock.advance(10_000);
    await store.append([4].map((n) => event(n)));
    const down = await relay.check();
    expect(down.status).toBe('down');
    expect(down.detail).toContain('backlog 4');
    expect(down.detail).toContain('broker unreachable');
    expect(relay.status().failingSince).not.toBeNull();
    bus.failing = null;
    await until(async () => (await store.countUnsent()) === 0);
    await relay.stop();
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(bus.published.map((m) => JSON.parse(String(m.value)).n)).toEqual([1, 2, 3, 4]);
    expect(relay.status().failingSince).toBeNull();
    expect((await relay.check()).status).toBe('down'); // stopped
  });

  it('re-publishes the same eventIds when marking sent fails after the publish (crash between them)', async () => {
    const { store, bus, relay } = setup();
    await store.append([1, 2].map((n) => event(n)));
    const markSent = jest.spyOn(store, 'markSent').mockRejectedValueOnce(new Error('connection lost'));
    await expect(relay.relayOnce()).rejects.toThrow('connection lost');
    expect(await relay.relayOnce()).toBe(2);
    expect(markSent).toHaveBeenCalledTimes(2);
    const ids = bus.published.map((m) => m.headers['x-event-id']);
    expect(ids).toEqual([event(1).eventId, event(2).eventId, event(1).eventId, event(2).eventId]);
    expect(bus.published.map((m) => JSON.parse(String(m.value)).eventId)).toEqual(ids);
  });

  it('prunes sent events older than the retention, and reports latency and backlog', async () => {
    const { clock, store, relay, telemetry } = setup({
      pruneEveryMs: 1000,
      countEveryMs: 0,
      retentionHours: 1,
    });
    const published: number[][] = [];
    telemetry.on('outbox.published', (e) => published.push(e.latenciesMs));
    const backlogs: number[] = [];
    telemetry.on('outbox.backlog', (e) => backlogs.push(e.backlog));
    await store.append([event(1)]);
    clock.advance(250);
    await relay.relayOnce();
    expect(published).toEqual([[250]]);
    const prune = jest.spyOn(store, 'pruneSent');
    clock.advance(2 * 3_600_000);
    relay.start();
    await until(() => prune.mock.calls.length > 0);
    await relay.stop();
    expect(prune.mock.calls[0][0].toISOString()).toBe(
      new Date(clock.now().getTime() - 3_600_000).toISOString(),
    );
    expect(published).toEqual([[250]]);
    expect(backlogs.at(-1)).toBe(0);
  });

  it('wake() relays at once instead of waiting out the poll', async () => {
    const { store, bus, relay } = setup({ pollMs: 60_000 });
    relay.start();
    await until(() => relay.status().backlog === 0);
    await store.append([event(1)]);
    relay.wake();
    await until(() => bus.published.length === 1);
    await relay.stop();
  });

  it('a wake() while a round is publishing is not lost: the events committed meanwhile go at once', async () => {
    const { store, bus, relay } = setup({ pollMs: 60_000 });
    let release!: () => void;
    const publishing = new Promise<void>((resolve) => (release = resolve));
    const publish = bus.publish.bind(bus);
    let entered = false;
    bus.publish = async (messages) => {
      entered = true;
      await publishing;
      return publish(messages);
    };
    await store.append([event(1)]);
    relay.start();
    try {
      // The round read event 1 (a short read: drained) and is waiting on the broker's ack.
      await until(() => entered);
      await store.append([event(2)]);
      relay.wake();
      release();
      await until(() => bus.published.length === 2);
      expect(bus.published.map((m) => JSON.parse(String(m.value)).n)).toEqual([1, 2]);
    } finally {
      await relay.stop();
    }
  });
});
