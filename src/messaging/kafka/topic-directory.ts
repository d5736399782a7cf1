import type { Admin, Kafka } from 'kafkajs';

/**
 * Which topics exist, so a message to a missing topic fails at once instead of after kafkajs's
 * metadata retries (about 10 s, during which the producer sends nothing else). Existing topics are
 * remembered; an unknown one triggers one listTopics, at most every `refreshMs`.
 */
export class TopicDirectory {
  private readonly known = new Set<string>();
  private admin: Promise<Admin> | null = null;
  private listedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly kafka: Kafka,
    private readonly refreshMs = 1000,
  ) {}

  /** The topics among `topics` that do not exist. Throws when the broker cannot be asked. */
  async missing(topics: string[]): Promise<string[]> {
    let unknown = topics.filter((t) => !this.known.has(t));
    if (unknown.length === 0) return [];
    if (Date.now() - this.listedAt >= this.refreshMs) {
      await this.refresh();
      unknown = unknown.filter((t) => !this.known.has(t));
    }
    return [...new Set(unknown)];
  }

  /** Forget a topic (a send said it is gone), so the next publish to it asks again. */
  forget(topics: string[]): void {
    for (const t of topics) this.known.delete(t);
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  private async refresh(): Promise<void> {
    try {
      const admin = await this.connected();
      const topics = await admin.listTopics();
      this.listedAt = Date.now();
      for (const t of topics) this.known.add(t);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  private connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => (this.admin = null));
    }
    return this.admin;
  }
}
