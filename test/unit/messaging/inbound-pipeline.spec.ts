import { PermanentMessageError } from '../../../src/messaging/errors';
import { DLQ_HEADERS } from '../../../src/messaging/inbound/dead-letter';
import type { InboundMessage } from '../../../src/messaging/inbound/inbound-message';
import { InboundPipeline } from '../../../src/messaging/inbound/inbound-pipeline';
import { InboundRegistry } from '../../../src/messaging/inbound/inbound-registry';
import { MemoryEventBus } from '../../../src/messaging/memory/memory-event-bus';
import { InboundConsumer } from '../../../src/messaging/inbound/inbound-consumer';
import { MessagingTelemetry } from '../../../src/messaging/telemetry';
import { rejectedDataReason } from '../../../src/persistence/sql-errors';
import { sample, SampleEventDto } from './fixtures';

type Handler = (messages: InboundMessage<SampleEventDto>[]) => Promise<void>;

/** Memory bus + registry + pipeline, consuming topic 'in', with fast retries and the real SQL error classifier. */
function setup(handler: Handler, maxMessageBytes = 4096, now?: () => number) {
  const bus = new MemoryEventBus({ retryBaseMs: 1, retryMaxMs: 5 });
  const registry = new InboundRegistry();
  registry.register({ topic: 'in', dto: SampleEventDto, handleBatch: handler });
  const telemetry = new MessagingTelemetry();
  const pipeline = new InboundPipeline(
    registry,
    bus,
    { maxMessageBytes, retryBaseMs: 1, retryMaxMs: 5, rejectedReason: rejectedDataReason, now },
    telemetry,
  );
  bus.subscribe(registry.topics(), pipeline.handle);
  return { bus, registry, telemetry, pipeline };
}

/** A mysql2 error as the driver raises it. */
function sqlError(errno: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { errno, code, sqlState: '23000' });
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

  it('dead-letters a JSON value nested deeper than 20 levels before the handler sees it', async () => {
    const seen: string[] = [];
    const { bus } = setup(async (messages) => {
      seen.push(...messages.map((m) => m.eventId));
    });
    const deep = json(sample(2)).replace(/}$/, `,"x":${'['.repeat(40)}${']'.repeat(40)}}`);
    await bus.publish([
      { topic: 'in', key: 'k', value: json(sample(1)), headers: {} },
      { topic: 'in', key: 'k', value: deep, headers: {} },
      { topic: 'in', key: 'k', value: json(sample(3)), headers: {} },
    ]);
    await bus.startConsuming();
    await bus.drained();
    await bus.stopConsuming();
    expect(seen).toEqual(['ev-1', 'ev-3']);
    const dlq = bus.recent('in.dlq');
    expect(dlq.map((m) => [m.value?.toString(), m.headers[DLQ_HEADERS.code]])).toEqual([
      [deep, 'JSON_TOO_DEEP'],
    ]);
  });

  it('narrows a database refusal of a batch down to the one message causing it and dead-letters only that', async () => {
    const committed: string[] = [];
    const attempts: string[][] = [];
    const { bus } = setup(async (messages) => {
      const ids = messages.map((m) => m.eventId);
      attempts.push(ids);
      if (ids.includes('ev-3'))
        throw sqlError(4025, 'ER_CONSTRAINT_FAILED', 'CONSTRAINT `order_states.ck` failed');
      committed.push(...ids);
    });
    await bus.publish(
      [1, 2, 3, 4, 5, 6, 7].map((n) => ({ topic: 'in', key: 'k', value: json(sample(n)), headers: {} })),
    );
    await bus.startConsuming();
    await bus.drained();
    await bus.stopConsuming();
    // Everything else committed, in offset order, each once.
    expect(committed).toEqual(['ev-1', 'ev-2', 'ev-4', 'ev-5', 'ev-6', 'ev-7']);
    expect(attempts.length).toBeLessThanOrEqual(8);
    const dlq = bus.recent('in.dlq');
    expect(dlq).toHaveLength(1);
    expect(JSON.parse(dlq[0].value?.toString() ?? '')).toEqual(sample(3));
    expect(dlq[0].headers).toMatchObject({
      [DLQ_HEADERS.code]: 'STORE_REJECTED',
      [DLQ_HEADERS.sourceOffset]: '2',
    });
    expect(dlq[0].headers[DLQ_HEADERS.error]).toMatch(/^ER_CONSTRAINT_FAILED \(4025\): CONSTRAINT/);
  });

  it('retries transient database errors (deadlock, lost connection) instead of dead-lettering', async () => {
    const failures = [
      sqlError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found'),
      Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }),
    ];
    const seen: string[][] = [];
    const { bus } = setup(async (messages) => {
      seen.push(messages.map((m) => m.eventId));
      const failure = failures.shift();
      if (failure) throw failure;
    });
    await bus.publish([1, 2].map((n) => ({ topic: 'in', key: 'k', value: json(sample(n)), headers: {} })));
    await bus.startConsuming();
    await bus.drained();
    await bus.stopConsuming();
    expect(seen).toEqual([
      ['ev-1', 'ev-2'],
      ['ev-1', 'ev-2'],
      ['ev-1', 'ev-2'],
    ]);
    expect(bus.recent('in.dlq')).toEqual([]);
  });

  it('reports a partition retrying one offset as stuck, and the consumer degraded past its limit', async () => {
    let now = 1_000_000;
    let failing = true;
    let calls = 0;
    const { bus, registry, pipeline } = setup(
      async () => {
        calls++;
        if (failing) throw new Error('order job busy');
      },
      4096,
      () => now,
    );
    const consumer = new InboundConsumer(bus, registry, pipeline, {
      createTopics: false,
      stuckAfterMs: 30_000,
    });
    await bus.publish([{ topic: 'in', key: 'k', value: json(sample(1)), headers: {} }]);
    await bus.startConsuming();
    while (calls < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(pipeline.stuck.list()).toEqual([
      { topic: 'in', partition: 0, offset: '0', seconds: 0, lastError: expect.stringContaining('busy') },
    ]);
    expect(consumer.status().status).toBe('up');
    now += 29_000;
    expect(pipeline.stuck.list()[0].seconds).toBe(29);
    expect(consumer.status().status).toBe('up');
    now += 1_000;
    expect(consumer.status()).toEqual({
      status: 'degraded',
      detail: expect.stringMatching(/^1 partition\(s\) stuck: in\/0@0 retrying for 30 s: .*busy/),
    });
    failing = false;
    await bus.drained();
    expect(pipeline.stuck.list()).toEqual([]);
    expect(consumer.status().status).toBe('up');
    await bus.stopConsuming();
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
