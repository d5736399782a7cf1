import { refKey, type DeadLetterRef, type ReplayEntry, type ReplayLedger } from './replay-ledger';

/** The ledger of embedded mode: one process, nothing durable (neither is the memory bus's DLQ). */
export class MemoryReplayLedger implements ReplayLedger {
  private readonly entries = new Map<string, ReplayEntry>();

  async claim(
    entries: Array<DeadLetterRef & { sourceTopic: string }>,
    at: Date,
    retryFailed: boolean,
  ): Promise<DeadLetterRef[]> {
    const claimed: DeadLetterRef[] = [];
    for (const e of entries) {
      const known = this.entries.get(refKey(e));
      if (known && !(retryFailed && known.status === 'failed')) continue;
      this.entries.set(refKey(e), { ...e, status: 'claimed', claimedAt: at, publishedAt: null });
      claimed.push({ dlqTopic: e.dlqTopic, partition: e.partition, offset: e.offset });
    }
    return claimed;
  }

  async settle(refs: DeadLetterRef[], status: 'published' | 'failed', at: Date): Promise<void> {
    for (const r of refs) {
      const e = this.entries.get(refKey(r));
      if (e) Object.assign(e, { status, publishedAt: status === 'published' ? at : null });
    }
  }

  async find(dlqTopic: string, partition: number, offsets: string[]): Promise<ReplayEntry[]> {
    return offsets
      .map((offset) => this.entries.get(refKey({ dlqTopic, partition, offset })))
      .filter((e): e is ReplayEntry => e !== undefined)
      .map((e) => ({ ...e }));
  }

  async countPublished(dlqTopic: string): Promise<number> {
    return [...this.entries.values()].filter((e) => e.dlqTopic === dlqTopic && e.status === 'published')
      .length;
  }
}
