import { readEffects } from '../kafka';
import { type BenchTopics, dueMs, type OneShotBlock, type RunPlan } from '../plan';
import type { MeteredProcess } from '../proc-meter';
import { type BullQueue, loadBullMq } from '../setup/bullmq-module';
import type { BenchRedis } from '../setup/redis';
import { Child } from './child';
import type { IngestResult, RunningSystem, SystemDriver } from './driver';
import type { BullWorkerConfig } from './replica-protocol';

const QUEUE = 'bench7';
const CHUNK = 1000;

interface BulkJob {
  name: string;
  data: { orderId: string; scheduledAtMs: number };
  opts: { jobId: string; timestamp: number; delay: number; removeOnComplete: boolean };
}

/**
 * `count` delayed jobs of a block, due exactly at dueMs (timestamp + delay), `inFlight` addBulk
 * calls at a time (far-future backlog only: measured jobs go in due order, one call at a time).
 */
async function addBlock(
  queue: BullQueue,
  block: OneShotBlock,
  due: (i: number) => number,
  inFlight = 1,
): Promise<void> {
  const chunks: number[] = [];
  for (let i = 0; i < block.count; i += CHUNK) chunks.push(i);
  const next = async (): Promise<void> => {
    for (let i = chunks.shift(); i !== undefined; i = chunks.shift()) await addChunk(queue, block, due, i);
  };
  await Promise.all(Array.from({ length: inFlight }, next));
}

async function addChunk(
  queue: BullQueue,
  block: OneShotBlock,
  due: (i: number) => number,
  i: number,
): Promise<void> {
  const now = Date.now();
  const jobs: BulkJob[] = [];
  for (let k = i; k < Math.min(block.count, i + CHUNK); k++) {
    const at = due(k);
    const orderId = `${block.prefix}${k}`;
    jobs.push({
      name: 'orderTimeout',
      data: { orderId, scheduledAtMs: at },
      opts: { jobId: orderId, timestamp: now, delay: Math.max(0, at - now), removeOnComplete: true },
    });
  }
  await queue.addBulk(jobs);
}

/** BullMQ on the bench's own Redis: delayed jobs, one worker process publishing to Kafka. */
export class BullDriver implements SystemDriver {
  readonly name = 'bullmq';
  private queue: BullQueue | null = null;
  private pending: string | null = null;

  constructor(
    private readonly redis: BenchRedis,
    private readonly concurrency: number,
  ) {}

  sharedProcesses(): MeteredProcess[] {
    return [{ label: 'redis-server', pid: this.redis.pid, shared: true }];
  }

  private q(): BullQueue {
    this.queue ??= new (loadBullMq().Queue)(QUEUE, {
      connection: { host: '127.0.0.1', port: this.redis.port },
    });
    return this.queue;
  }

  async loadPending(pending: OneShotBlock | null): Promise<number> {
    const key = pending ? `${pending.prefix}:${pending.count}:${pending.startMs}` : '';
    if (this.pending === key) return 0;
    const t = Date.now();
    const redis = this.redis.client();
    await redis.flushall();
    redis.disconnect();
    if (pending) await addBlock(this.q(), pending, (i) => pending.startMs + i * 1000, 4);
    this.pending = key;
    return (Date.now() - t) / 1000;
  }

  async prepare(plan: RunPlan): Promise<number> {
    const t = Date.now();
    for (const block of plan.oneShot) await addBlock(this.q(), block, (i) => dueMs(block, i));
    const r = plan.recurring;
    if (r) {
      for (let i = 0; i < r.count; i += 100) {
        await Promise.all(
          Array.from({ length: Math.min(100, r.count - i) }, (_, k) =>
            this.q().upsertJobScheduler(
              `${r.prefix}${i + k}`,
              { every: r.periodS * 1000, startDate: r.startMs, endDate: r.endMs },
              {
                name: 'orderTimeout',
                data: { orderId: `${r.prefix}${i + k}` },
                opts: { removeOnComplete: true },
              },
            ),
          ),
        );
      }
    }
    return (Date.now() - t) / 1000;
  }

  async start(plan: RunPlan, topics: BenchTopics): Promise<RunningSystem> {
    const config: BullWorkerConfig = {
      redisPort: this.redis.port,
      queue: QUEUE,
      concurrency: this.concurrency,
      topics,
    };
    const child = await Child.start('bullmq-worker.js', 'bullmq-worker', config);
    let sample: Awaited<ReturnType<typeof readEffects>> | null = null;
    const effects = async () => (sample ??= await readEffects(topics.cancel, plan.expected, 120_000));
    return {
      processes: [{ label: child.label, pid: child.pid, shared: false }],
      progress: async () => child.committed,
      stop: () => child.stop(),
      effects,
      doubledRuns: async () => (await effects()).duplicates,
      cleanup: async () => {
        // Keep a far-future backlog only if nothing of the run is left in the queue.
        const key = this.pending;
        if (!key) return void (this.pending = null);
        const counts = await this.q().getJobCounts('delayed', 'wait', 'active', 'prioritized');
        const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
        if (total !== Number(key.split(':')[1])) this.pending = null;
      },
    };
  }

  async ingest(jobs: number, seconds: number): Promise<IngestResult[]> {
    await this.loadPending(null);
    const queue = this.q();
    const results: IngestResult[] = [];
    const future = Date.UTC(2098, 0, 1);
    const measure = async (api: string, step: number, add: (from: number, n: number) => Promise<unknown>) => {
      const t = performance.now();
      const deadline = t + seconds * 1000;
      let n = 0;
      while (n < jobs && performance.now() < deadline) {
        const k = Math.min(step, jobs - n);
        await add(n, k);
        n += k;
      }
      const s = (performance.now() - t) / 1000;
      results.push({ api, jobs: n, seconds: s, jobsPerSec: n / s });
    };
    const job = (i: number, prefix: string) => ({
      name: 'orderTimeout',
      data: { orderId: `${prefix}${i}`, scheduledAtMs: future + i },
      opts: { jobId: `${prefix}${i}`, delay: future + i - Date.now(), removeOnComplete: true },
    });
    await measure('Queue.addBulk (1,000 per call)', 1000, (from, n) =>
      queue.addBulk(Array.from({ length: n }, (_, k) => job(from + k, 'ingest-bulk-'))),
    );
    await measure('Queue.add (64 calls in flight)', 64, (from, n) =>
      Promise.all(
        Array.from({ length: n }, (_, k) => {
          const j = job(from + k, 'ingest-one-');
          return queue.add(j.name, j.data, j.opts);
        }),
      ),
    );
    this.pending = null;
    return results;
  }

  async close(): Promise<void> {
    await this.queue?.close();
    this.queue = null;
  }
}
