import {
  collectMessages,
  jsonValue,
  type ConsumedMessage,
  type MessageCollector,
} from '../../support/test-kafka';
import { eventually } from './order-app';

/** Collects one output topic for the whole file; tests read the messages of their own keys. */
export class TopicWatch {
  private constructor(
    readonly topic: string,
    private readonly collector: MessageCollector,
  ) {}

  static async start(topic: string): Promise<TopicWatch> {
    return new TopicWatch(topic, await collectMessages(topic, { fromBeginning: true }));
  }

  /** Messages whose key starts with `prefix`, in arrival order. */
  withKeyPrefix(prefix: string): ConsumedMessage[] {
    return this.collector.messages.filter((m) => (m.key ?? '').startsWith(prefix));
  }

  withKey(key: string): ConsumedMessage[] {
    return this.collector.messages.filter((m) => m.key === key);
  }

  /** Waits (bounded) until at least `count` messages carry a key starting with `prefix`. */
  async waitFor(prefix: string, count: number, timeoutMs = 60_000): Promise<ConsumedMessage[]> {
    return eventually(
      `${count} message(s) keyed ${prefix}* on ${this.topic} (have ${this.withKeyPrefix(prefix).length})`,
      async () => {
        const found = this.withKeyPrefix(prefix);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
    );
  }

  all(): ConsumedMessage[] {
    return this.collector.messages;
  }

  stop(): Promise<void> {
    return this.collector.stop();
  }
}

export function body<T = Record<string, unknown>>(message: ConsumedMessage): T {
  return jsonValue<T>(message);
}
