import { PermanentMessageError } from '../../../src/messaging/errors';
import { DLQ_HEADERS } from '../../../src/messaging/inbound/dead-letter';
import type { InboundMessage } from '../../../src/messaging/inbound/inbound-message';
import { InboundPipeline } from '../../../src/messaging/inbound/inbound-pipeline';
import { InboundRegistry } from '../../../src/messaging/inbound/inbound-registry';
import { MemoryEventBus } from '../../../src/messaging/memory/memory-event-bus';
import { MessagingTelemetry } from '../../../src/messaging/telemetry';
import { sample, SampleEventDto } from './fixtures';

type Handler = (messages: InboundMessage<SampleEventDto>[]) => Promise<void>;

/** Memory bus + registry + pipeline, consuming topic 'in', with fast retries. */
function setup(handler: Handler, maxMessageBytes = 4096) {
  const bus = new MemoryEventBus({ retryBaseMs: 1, retryMaxMs: 5 });
  const registry = new InboundRegistry();
  registry.register({ topic: 'in', dto: SampleEventDto, handleBatch: handler });
  const telemetry = new MessagingTelemetry();
  const pipeline = new InboundPipeline(
    registry,
    bus,
    { maxMessageBytes, retryBaseMs: 1, retryMaxMs: 5 },
    telemetry,
  );
  bus.subscribe(registry.topics(), pipeline.handle);
  return { bus, registry, telemetry };
}

const json = (v: unknown): string => JSON.stringify(v);

describe('inbound pipeline (memory bus)', () => {
  it('dead-letters every bad message unchanged and hands the valid ones behind it to the handler', async () => {
    const seen: string[] = [];
    const { bus, telemetry } = setup(async (messages) => {
      seen.push(...messages.map((m) => m.value.orderId));
    });
    const codes: string[] = [];
    telemetry.on('inbound.deadLettered', (e) => codes.push(e.code));
    const poison = [
      'not json {',
      json({ ...sample(2), orderId: undefined }),
      json(sample(3, { lines: [{ sku: 'a', quantity: 'many' }] })),
      json(sample(4, { pad: 'x'.repeat(5000) })),
      json(sample(5, { at: '2030-02-30T00:00:00Z' })),
    ];
    await bus.publish([
      { topic: 'in', key: 'o1', value: json(sample(1)), headers: {} },
      ...poison.map((value, i) => ({ topic: 'in', key: `p${i}`, value, headers: { trace: `t${i}` } })),
      { topic: 'in', key: 'o6', value: json(sample(6)), headers: {} },
    ]);
    await bus.startConsuming();
    await bus.drained();
    await bus.stopConsuming();

    expect(seen).toEqual(['order-1', 'order-6']);
    const dlq = bus.recent('in.dlq');
    expect(dlq.map((m) => m.value?.toString())).toEqual(poison);
    expect(dlq.map((m) => m.key)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(dlq.map((m) => m.headers[DLQ_HEADERS.code])).toEqual([
      'INVALID_JSON',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'MESSAGE_TOO_LARGE',
      'VALIDATION_FAILED',
    ]);
    expect(dlq[1].headers).toMatchObject({
      trace: 't1',
      [DLQ_HEADERS.sourceTopic]: 'in',
      [DLQ_HEADERS.sourcePartition]: '0',
      [DLQ_HEADERS.sourceOffset]: '2',
    });
    expect(dlq[1].headers[DLQ_HEADERS.error]).toContain('orderId');
    expect(dlq[2].headers[DLQ_HEADERS.error]).toContain('lines.0.quantity');
    expect(codes).toHaveLength(5);
    expect(telemetry.snapshot().deadLettered).toBe(5);
  });

  it('retries a failing handler with the same batch until it succeeds, skipping nothing', async () => {
    const calls: string[][] = [];
    let failures = 3;
    const { bus, telemetry } = setup(async (messages) => {
      calls.push(messages.map((m) => m.eventId));
      if (failures-- > 0) throw new Error('database down');
    });
    let retries = 0;
    telemetry.on('inbound.retry', () => retries++);
    await bus.publish([1, 2, 3].map((n) => ({ topic: 'in', key: 'k', value: json(sample(n)), headers: {} })));
    await bus.startConsuming();
    await bus.drained();
    await bus.stopConsuming();
    expect(calls).toHaveLength(4);
    for (const call of calls) expect(call).toEqual(['ev-1', 'ev-2', 'ev-3']);
    expect(retries).toBe(3);
    expect(bus.recent('in.dlq')).toEqual([]);
  });

  it('dead-letters only the message a PermanentMessageError names, then handles the rest', async () => {
    const handled: string[][] = [];
    const { bus } = setup(async (messages) => {
      handled.push(messages.map((m) => m.eventId));
      if (messages.some((m) => m.eventId === 'ev-2'))
        throw new PermanentMessageError('order is closed', 'ev-2', 'ORDER_CLOSED');
    });
    await bus.publish([1, 2, 3].map((n) => ({ topic: 'in', key: 'k', value: json(sample(n)), headers: {} })));
    await bus.startConsuming();
    await bus.drained();
    await bus.stopConsuming();
    expect(handled).toEqual([
      ['ev-1', 'ev-2', 'ev-3'],
      ['ev-1', 'ev-3'],
    ]);
    const dlq = bus.recent('in.dlq');
    expect(dlq).toHaveLength(1);
    expect(JSON.parse(dlq[0].value?.toString() ?? '')).toEqual(sample(2));
    expect(dlq[0].headers).toMatchObject({
      [DLQ_HEADERS.code]: 'ORDER_CLOSED',
      [DLQ_HEADERS.error]: 'order is closed',
    });
  });

  it('leaves a batch uncommitted when the consumer stops during its retries, and redelivers it', async () => {
    let fail = true;
    const seen: string[] = [];
    const { bus } = setup(async (messages) => {
      if (fail) throw new Error('still down');
      seen.push(...messages.map((m) => m.eventId));
    });
    await bus.publish([{ topic: 'in', key: 'k', value: json(sample(1)), headers: {} }]);
    await bus.startConsuming();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await bus.stopConsuming();
    expect(seen).toEqual([]);
    fail = false;
    await bus.startConsuming();
    await bus.drained();
    await bus.stopConsuming();
    expect(seen).toEqual(['ev-1']);
  });

  it('retries the dead-letter publish itself until it succeeds', async () => {
    const { bus } = setup(async () => {});
    const publish = bus.publish.bind(bus);
    let failing = 2;
    jest.spyOn(bus, 'publish').mockImplementation(async (messages) => {
      if (messages.some((m) => m.topic === 'in.dlq') && failing-- > 0) throw new Error('broker down');
      return publish(messages);
    });
    await bus.publish([{ topic: 'in', key: 'k', value: 'garbage', headers: {} }]);
    await bus.startConsuming();
    await bus.drained();
    await bus.stopConsuming();
    expect(bus.recent('in.dlq').map((m) => m.value?.toString())).toEqual(['garbage']);
  });

  it('refuses a second route for a topic and routes registered after consuming started', () => {
    const registry = new InboundRegistry();
    const route = { topic: 't', dto: SampleEventDto, handleBatch: async () => {} };
    registry.register(route);
    expect(() => registry.register(route)).toThrow(
      expect.objectContaining({ code: 'INBOUND_ROUTE_INVALID' }),
    );
    registry.seal();
    expect(() => registry.register({ ...route, topic: 'u' })).toThrow(/fixed once consuming started/);
  });
});
