import type { Producer } from 'kafkajs';

import type { OutboxStore } from '../../../src/scheduler/ports/outbox-store';

/**
 * A minimal outbox relay for the benchmark (src/messaging's relay was not there when this was
 * written): fetch unsent rows in id order, publish them (acks=all, idempotent producer), mark them
 * sent. Run it on one replica only: it takes no lock of its own.
 */
export class BenchRelay {
  private stopped = false;
  private done: Promise<void> = Promise.resolve();
  published = 0;

  constructor(
    private readonly store: OutboxStore,
    private readonly producer: Producer,
    private readonly batch = 1000,
  ) {}

  start(): void {
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const events = await this.store.fetchUnsent(this.batch);
      if (events.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      const byTopic = new Map<
        string,
        { key: string | null; value: string; headers: Record<string, string> }[]
      >();
      for (const e of events) {
        const list = byTopic.get(e.topic) ?? [];
        list.push({
          key: e.key,
          value: typeof e.value === 'string' ? e.value : JSON.stringify(e.value),
          headers: { ...e.headers, 'x-event-id': e.eventId },
        });
        byTopic.set(e.topic, list);
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      await this.store.markSent(
        events.map((e) => e.id),
        new Date(),
      );
      this.published += events.length;
    }
  }
}
