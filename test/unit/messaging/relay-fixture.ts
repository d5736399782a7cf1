import type { EventBus } from '../../../src/messaging/event-bus';
import { OutboxRelay, type OutboxRelayOptions } from '../../../src/messaging/outbox-relay';
import { MessagingTelemetry } from '../../../src/messaging/telemetry';
import { FakeClock, MemoryJobStore } from '../../../src/scheduler';

/** An OutboxRelay over `bus`, on the memory store and a FakeClock, with a fast back-off. */
export function relayOver<B extends Pick<EventBus, 'publish'>>(
  bus: B,
  options: Partial<OutboxRelayOptions> = {},
) {
  const clock = new FakeClock('2030-01-01T00:00:00Z');
  const store = new MemoryJobStore({ clock });
  const telemetry = new MessagingTelemetry();
  const relay = new OutboxRelay(
    store,
    bus,
    clock,
    {
      batchSize: 10,
      pollMs: 5,
      retentionHours: 1,
      downAfterMs: 30_000,
      backoffBaseMs: 1,
      backoffMaxMs: 4,
      ...options,
    },
    telemetry,
  );
  return { clock, store, bus, relay, telemetry };
}

/** Real-time wait for a condition the relay loop reaches on its own (bounded). */
export async function until(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
