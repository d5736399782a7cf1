import type { InboundBatch } from '../../../src/messaging/event-bus';
import { MemoryEventBus } from '../../../src/messaging/memory/memory-event-bus';

const msg = (topic: string, n: number) => ({
  topic,
  key: `k${n % 2}`,
  value: `v${n}`,
  headers: { n: String(n) },
});

describe('MemoryEventBus', () => {
  it('keeps publish order per topic, with offsets, bytes and headers', async () => {
    const bus = new MemoryEventBus();
    await bus.publish([msg('a', 1), msg('b', 2), msg('a', 3)]);
    expect(bus.recent('a').map((m) => [m.offset, m.key, m.value?.toString(), m.headers.n])).toEqual([
      ['0', 'k1', 'v1', '1'],
      ['1', 'k1', 'v3', '3'],
    ]);
    expect(bus.recent('a', 1).map((m) => m.offset)).toEqual(['1']);
    expect(bus.topics().sort()).toEqual(['a', 'b']);
  });

  it('retains a bounded number of consumed messages per topic', async () => {
    const bus = new MemoryEventBus({ retainPerTopic: 3 });
    await bus.publish([1, 2, 3, 4, 5].map((n) => msg('a', n)));
    expect(bus.recent('a', 100).map((m) => m.value?.toString())).toEqual(['v3', 'v4', 'v5']);
  });

  it('commits a batch only when its handler resolves, redelivering the same records after a throw', async () => {
    const bus = new MemoryEventBus({ retryBaseMs: 1, retryMaxMs: 2, maxBatch: 2, retainPerTopic: 1 });
    const deliveries: string[][] = [];
    let throws = 2;
    bus.subscribe(['a'], async (batch: InboundBatch) => {
      deliveries.push(batch.records.map((r) => r.offset));
      if (throws-- > 0) throw new Error('not yet');
    });
    await bus.publish([1, 2, 3].map((n) => msg('a', n)));
    await bus.startConsuming();
    await bus.drained();
    expect(deliveries).toEqual([['0', '1'], ['0', '1'], ['0', '1'], ['2']]);
    // Uncommitted records were kept beyond the retention; committed ones are trimmed to it.
    expect(bus.recent('a').map((r) => r.offset)).toEqual(['2']);
    await bus.publish([msg('a', 4)]);
    await bus.drained();
    expect(deliveries.at(-1)).toEqual(['3']);
    await bus.stopConsuming();
    expect(bus.consumerStatus().state).toBe('stopped');
  });
});
