import { PublishError, type PermanentPublishReason } from '../../../src/messaging/errors';
import type { BusMessage } from '../../../src/messaging/event-bus';
import type { OutboxRelayOptions } from '../../../src/messaging/outbox-relay';
import type { RelayShares } from '../../../src/messaging/relay-leadership';
import type { OutboxEvent } from '../../../src/scheduler';
import { relayOver, until } from './relay-fixture';

/**
 * A broker where some topics refuse every message for a permanent reason. `naming` says whether
 * the error names the topic (as the bus's own unknown-topic check does) or not (a broker error).
 */
class RefusingBus {
  readonly published: BusMessage[] = [];
  readonly refused = new Map<string, PermanentPublishReason>();
  naming = true;
  hang = false;

  async publish(messages: BusMessage[]): Promise<void> {
    if (this.hang) return new Promise(() => undefined);
    const bad = [...new Set(messages.map((m) => m.topic))].filter((t) => this.refused.has(t));
    if (bad.length > 0) {
      const reason = this.refused.get(bad[0]) ?? 'UNKNOWN_TOPIC';
      throw new PublishError(`refused: ${reason}`, undefined, reason, this.naming ? bad : undefined);
    }
    this.published.push(...messages);
  }

  on(topic: string): Array<{ n: number; key: string | null }> {
    return this.published
      .filter((m) => m.topic === topic)
      .map((m) => ({ n: (JSON.parse(String(m.value)) as { n: number }).n, key: m.key }));
  }
}

const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const event = (n: number, topic: string, key = `k-${n % 3}`): OutboxEvent => ({
  eventId: uuid(n),
  topic,
  key,
  value: { n, scheduledAt: '2030-01-01T00:00:00.000Z' },
  headers: { 'x-scheduler-job-id': `job-${n}` },
});

const setup = (options: Partial<OutboxRelayOptions> = {}, shares?: RelayShares) =>
  relayOver(new RefusingBus(), {
    isolatedRetryBaseMs: 1000,
    isolatedRetryMaxMs: 4000,
    deadLetterAfterMs: 60_000,
    deadLetterTopic: 'dead',
    stopGraceMs: 200,
    shares,
    standbyPollMs: 5,
    ...options,
  });

describe('OutboxRelay: a topic that refuses its events', () => {
  it.each([
    ['the error names the topic', true],
    ['the error does not say which topic', false],
  ])('is isolated while every other topic flows in order (%s)', async (_label, naming) => {
    const { store, bus, relay } = setup();
    bus.naming = naming;
    bus.refused.set('missing', 'UNKNOWN_TOPIC');
    const isolated: string[] = [];
    await store.append([
      event(1, 'missing'),
      ...Array.from({ length: 40 }, (_, i) => event(i + 2, i % 2 ? 'a' : 'b')),
    ]);
    relay.start();
    await until(() => bus.published.length === 40);
    isolated.push(...relay.status().isolatedTopics);
    await relay.stop();
    expect(isolated).toEqual(['missing']);
    for (const topic of ['a', 'b']) {
      const ns = bus.on(topic).map((m) => m.n);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
      expect(ns).toHaveLength(20);
    }
    expect(bus.on('missing')).toEqual([]);
    expect(await store.countUnsent()).toBe(1);
    const [stuck] = await store.fetchUnsent(1);
    expect(stuck).toMatchObject({ topic: 'missing', attempts: 1, lastError: 'refused: UNKNOWN_TOPIC' });
  });

  it('retries the isolated topic with back-off and, once it accepts, publishes its events in per-key order', async () => {
    const { clock, store, bus, relay } = setup();
    bus.refused.set('late', 'UNKNOWN_TOPIC');
    await store.append([1, 2, 3, 4, 5, 6].map((n) => event(n, 'late', `k-${n % 2}`)));
    relay.start();
    await until(() => relay.status().isolatedTopics.includes('late'));
    bus.refused.delete('late');
    // Not retried before its back-off is over (fake time stands still).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bus.on('late')).toEqual([]);
    clock.advance(1000);
    await until(() => bus.on('late').length === 6);
    await relay.stop();
    for (const key of ['k-0', 'k-1']) {
      const ns = bus
        .on('late')
        .filter((m) => m.key === key)
        .map((m) => m.n);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
    }
    expect(relay.status().isolatedTopics).toEqual([]);
    expect(await store.listDeadLetters({ limit: 10 })).toEqual([]);
  });

  it('dead-letters its events after deadLetterAfterMs: marked in the outbox, a notice on the dead-letter topic, a metric event', async () => {
    const { clock, store, bus, relay, telemetry } = setup();
    const deadLettered: Array<{ topic: string; count: number }> = [];
    telemetry.on('outbox.deadLettered', (e) => deadLettered.push(e));
    bus.refused.set('too-big', 'MESSAGE_TOO_LARGE');
    await store.append([event(1, 'too-big'), event(2, 'too-big'), event(3, 'ok')]);
    relay.start();
    await until(() => bus.on('ok').length === 1);
    // Retries every 1, 2, 4, 4 … s of fake time; nothing dies before 60 s.
    for (let s = 0; s < 56; s += 4) {
      clock.advance(4000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await store.listDeadLetters({ limit: 10 })).toEqual([]);
    clock.advance(8000);
    await until(() => bus.on('dead').length === 2);
    // The next retry finds nothing left of the topic and puts it back in the main flow.
    await until(() => relay.status().isolatedTopics.length === 0);
    await relay.stop();
    const dead = await store.listDeadLetters({ limit: 10 });
    expect(dead.map((d) => d.eventId).sort()).toEqual([uuid(1), uuid(2)]);
    expect(dead[0].attempts).toBeGreaterThan(3);
    expect(dead[0].lastError).toBe('refused: MESSAGE_TOO_LARGE');
    expect(await store.countUnsent()).toBe(0);
    const notices = bus.published
      .filter((m) => m.topic === 'dead')
      .map((m) => JSON.parse(String(m.value)) as Record<string, unknown>);
    const first = notices.find((n) => n.jobId === 'job-1');
    expect(first).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'publish',
      jobId: 'job-1',
      scheduledAt: '2030-01-01T00:00:00.000Z',
      attempts: dead.find((d) => d.eventId === uuid(1))?.attempts,
      lastError: 'refused: MESSAGE_TOO_LARGE',
      topic: 'too-big',
      deadEventId: uuid(1),
    });
    expect(deadLettered).toEqual([{ topic: 'too-big', count: 2 }]);
    expect(relay.status()).toMatchObject({ deadLettered: 2, isolatedTopics: [] });
  });

  it('never dead-letters a notice into its own refusing dead-letter topic: it waits', async () => {
    const { clock, store, bus, relay } = setup({ deadLetterAfterMs: 1000 });
    bus.refused.set('dead', 'NOT_AUTHORIZED');
    await store.append([{ ...event(1, 'dead') }]);
    relay.start();
    await until(() => relay.status().isolatedTopics.includes('dead'));
    for (let i = 0; i < 5; i++) {
      clock.advance(5000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await relay.stop();
    expect(await store.countUnsent()).toBe(1);
    expect(await store.listDeadLetters({ limit: 10 })).toEqual([]);
  });

  it('stop() does not wait on a publish that never finishes', async () => {
    const { store, bus, relay } = setup({ stopGraceMs: 100 });
    bus.hang = true;
    await store.append([event(1, 'a')]);
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await relay.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await store.countUnsent()).toBe(1);
  });
});

describe('OutboxRelay: a standby replica after the store comes back', () => {
  it('clears its failure as soon as asking for the lead works again, without ever leading', async () => {
    let down = true;
    const shares: RelayShares = {
      claim: async () => {
        if (down) throw new Error('connect ECONNREFUSED');
        return [];
      },
      release: async () => undefined,
    };
    const { clock, relay } = setup({ downAfterMs: 1000 }, shares);
    relay.start();
    await until(() => relay.status().failingSince !== null);
    clock.advance(5000);
    expect((await relay.check()).status).toBe('down');
    down = false;
    await until(() => relay.status().failingSince === null);
    const check = await relay.check();
    await relay.stop();
    expect(check).toEqual({ status: 'up', detail: 'standby, backlog 0' });
  });
});
