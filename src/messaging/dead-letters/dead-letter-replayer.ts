import { dlqTopicFor, type BusMessage, type EventBus, type InboundRecord } from '../event-bus';
import { DeadLetterRangeError, UnknownDeadLetterTopicError } from '../errors';
import { DLQ_HEADERS } from '../inbound/dead-letter';
import type { PartitionOffsets, TopicReader } from './dead-letter-source';
import { refKey, type DeadLetterRef, type ReplayEntry, type ReplayLedger } from './replay-ledger';

/** Header a replayed message carries: which dead letter it came from (`<dlq topic>/<partition>/<offset>`). */
const REPLAYED_FROM_HEADER = 'x-dlq-replayed-from';
/** At most this many messages per listing and per replay call. */
export const MAX_DEAD_LETTER_RANGE = 500;
/** Values longer than this are cut in listings (the replay always sends the whole value). */
const MAX_SHOWN_VALUE = 16 * 1024;

export interface DeadLetterView {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  valueTruncated: boolean;
  /** The message's own headers (the x-dlq-* ones are in `error`). */
  headers: Record<string, string>;
  error: {
    code: string | null;
    message: string | null;
    sourceTopic: string | null;
    sourcePartition: number | null;
    sourceOffset: string | null;
  };
  replay: { status: ReplayEntry['status']; claimedAt: string; publishedAt: string | null } | null;
}

export interface DeadLetterPage {
  topic: string;
  dlqTopic: string;
  partitions: Array<PartitionOffsets & { count: number }>;
  messages: DeadLetterView[];
}

export type ReplayOutcome =
  | 'replayed'
  | 'already-replayed'
  | 'failed-earlier'
  | 'claimed-elsewhere'
  | 'other-source-topic'
  | 'publish-failed';

export interface ReplayResult {
  topic: string;
  dlqTopic: string;
  partition: number;
  fromOffset: string;
  toOffset: string;
  replayed: number;
  /** One entry per dead letter found in the range (offsets gone by retention are absent). */
  results: Array<{ offset: string; outcome: ReplayOutcome }>;
}

export interface DeadLetterSummary {
  topic: string;
  dlqTopic: string;
  /** Messages the .dlq holds now (sum over partitions of high - low). */
  count: number;
  replayed: number;
}

export interface DeadLetterReplayerOptions {
  /** The topics whose .dlq may be read and replayed; null = any (the CLI, run by an operator). */
  topics: (() => string[]) | null;
  now?: () => Date;
}

/**
 * Lists the dead letters of an inbound topic and republishes a chosen range to it, each message
 * at most once (the ReplayLedger's claim), unchanged except for the x-dlq-* headers, which are
 * replaced by `x-dlq-replayed-from`.
 */
export class DeadLetterReplayer {
  private readonly now: () => Date;

  constructor(
    private readonly reader: TopicReader,
    private readonly bus: EventBus,
    private readonly ledger: ReplayLedger,
    private readonly options: DeadLetterReplayerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** The inbound topics whose dead letters can be read here. */
  topics(): string[] {
    return this.options.topics?.() ?? [];
  }

  async summary(): Promise<DeadLetterSummary[]> {
    return Promise.all(
      this.topics().map(async (topic) => {
        const dlqTopic = dlqTopicFor(topic);
        const offsets = await this.reader.offsets(dlqTopic);
        return {
          topic,
          dlqTopic,
          count: offsets.reduce((n, p) => n + count(p), 0),
          replayed: await this.ledger.countPublished(dlqTopic),
        };
      }),
    );
  }

  /**
   * Up to `limit` dead letters of each partition (or of one): from `fromOffset` when given, else
   * the most recent ones.
   */
  async list(
    topic: string,
    q: { partition?: number; fromOffset?: string; limit: number },
  ): Promise<DeadLetterPage> {
    const dlqTopic = this.dlqOf(topic);
    if (q.limit < 1 || q.limit > MAX_DEAD_LETTER_RANGE)
      throw new DeadLetterRangeError('limit', `must be between 1 and ${MAX_DEAD_LETTER_RANGE}`);
    const partitions = (await this.reader.offsets(dlqTopic)).map((p) => ({ ...p, count: count(p) }));
    const chosen = partitions.filter((p) => q.partition === undefined || p.partition === q.partition);
    const ranges = chosen
      .map((p) => {
        const low = BigInt(p.low);
        const start = q.fromOffset !== undefined ? BigInt(q.fromOffset) : BigInt(p.high) - BigInt(q.limit);
        return { partition: p.partition, fromOffset: start < low ? low : start, limit: q.limit };
      })
      .filter((r) => r.fromOffset < BigInt(partitions.find((p) => p.partition === r.partition)!.high));
    const records = ranges.length > 0 ? await this.reader.read(dlqTopic, ranges) : [];
    const entries = await this.entriesOf(dlqTopic, records);
    return {
      topic,
      dlqTopic,
      partitions,
      messages: records.map((r) => view(r, entries.get(refKey(refOf(r))) ?? null)),
    };
  }

  /**
   * Republishes the dead letters at offsets [fromOffset, toOffset] of one .dlq partition to
   * `topic`. Messages already replayed (or claimed by a replay running elsewhere) are skipped;
   * one whose earlier replay failed is sent again only with `retryFailed`.
   */
  async replay(
    topic: string,
    r: { partition: number; fromOffset: string; toOffset: string; retryFailed?: boolean },
  ): Promise<ReplayResult> {
    const dlqTopic = this.dlqOf(topic);
    const from = BigInt(r.fromOffset);
    const to = BigInt(r.toOffset);
    if (to < from) throw new DeadLetterRangeError('toOffset', 'must not be before fromOffset');
    if (to - from + 1n > BigInt(MAX_DEAD_LETTER_RANGE))
      throw new DeadLetterRangeError('toOffset', `a replay covers at most ${MAX_DEAD_LETTER_RANGE} offsets`);
    const records = (
      await this.reader.read(dlqTopic, [
        { partition: r.partition, fromOffset: from, limit: Number(to - from + 1n) },
      ])
    ).filter((rec) => BigInt(rec.offset) <= to);
    const outcomes = new Map<string, ReplayOutcome>();
    const candidates = records.filter((rec) => {
      const ok = rec.headers[DLQ_HEADERS.sourceTopic] === topic;
      if (!ok) outcomes.set(rec.offset, 'other-source-topic');
      return ok;
    });
    const claimed = await this.ledger.claim(
      candidates.map((rec) => ({ ...refOf(rec), sourceTopic: topic })),
      this.now(),
      r.retryFailed === true,
    );
    const claimedKeys = new Set(claimed.map(refKey));
    const toSend = candidates.filter((rec) => claimedKeys.has(refKey(refOf(rec))));
    if (toSend.length > 0) {
      try {
        await this.bus.publish(toSend.map((rec) => republished(rec, topic)));
      } catch (error) {
        await this.ledger.settle(claimed, 'failed', this.now());
        throw error;
      }
      await this.ledger.settle(claimed, 'published', this.now());
    }
    const entries = await this.entriesOf(dlqTopic, candidates);
    for (const rec of candidates) {
      if (claimedKeys.has(refKey(refOf(rec)))) outcomes.set(rec.offset, 'replayed');
      else {
        const e = entries.get(refKey(refOf(rec)));
        outcomes.set(
          rec.offset,
          e?.status === 'failed'
            ? 'failed-earlier'
            : e?.status === 'claimed'
              ? 'claimed-elsewhere'
              : 'already-replayed',
        );
      }
    }
    return {
      topic,
      dlqTopic,
      partition: r.partition,
      fromOffset: from.toString(),
      toOffset: to.toString(),
      replayed: toSend.length,
      results: records.map((rec) => ({ offset: rec.offset, outcome: outcomes.get(rec.offset)! })),
    };
  }

  private dlqOf(topic: string): string {
    if (this.options.topics && !this.options.topics().includes(topic))
      throw new UnknownDeadLetterTopicError(
        `'${topic}' is not an inbound topic of this service; inbound topics: ${this.topics().join(', ')}`,
      );
    return dlqTopicFor(topic);
  }

  private async entriesOf(dlqTopic: string, records: InboundRecord[]): Promise<Map<string, ReplayEntry>> {
    const out = new Map<string, ReplayEntry>();
    const byPartition = new Map<number, string[]>();
    for (const r of records)
      byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r.offset]);
    for (const [partition, offsets] of byPartition)
      for (const e of await this.ledger.find(dlqTopic, partition, offsets)) out.set(refKey(e), e);
    return out;
  }
}

function count(p: PartitionOffsets): number {
  return Number(BigInt(p.high) - BigInt(p.low));
}

function refOf(r: InboundRecord): DeadLetterRef {
  return { dlqTopic: r.topic, partition: r.partition, offset: r.offset };
}

function republished(r: InboundRecord, topic: string): BusMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers))
    if (!name.startsWith('x-dlq-')) headers[name] = value;
  headers[REPLAYED_FROM_HEADER] = `${r.topic}/${r.partition}/${r.offset}`;
  return { topic, key: r.key, value: r.value ?? Buffer.alloc(0), headers };
}

function view(r: InboundRecord, entry: ReplayEntry | null): DeadLetterView {
  const text = (r.value ?? Buffer.alloc(0)).toString('utf8');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers))
    if (!name.startsWith('x-dlq-')) headers[name] = value;
  const h = r.headers;
  return {
    partition: r.partition,
    offset: r.offset,
    key: r.key,
    value: text.length > MAX_SHOWN_VALUE ? text.slice(0, MAX_SHOWN_VALUE) : text,
    valueTruncated: text.length > MAX_SHOWN_VALUE,
    headers,
    error: {
      code: h[DLQ_HEADERS.code] ?? null,
      message: h[DLQ_HEADERS.error] ?? null,
      sourceTopic: h[DLQ_HEADERS.sourceTopic] ?? null,
      sourcePartition:
        h[DLQ_HEADERS.sourcePartition] !== undefined ? Number(h[DLQ_HEADERS.sourcePartition]) : null,
      sourceOffset: h[DLQ_HEADERS.sourceOffset] ?? null,
    },
    replay: entry
      ? {
          status: entry.status,
          claimedAt: entry.claimedAt.toISOString(),
          publishedAt: entry.publishedAt?.toISOString() ?? null,
        }
      : null,
  };
}
