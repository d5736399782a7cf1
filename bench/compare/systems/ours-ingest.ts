import type { DataSource } from 'typeorm';

import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { SystemClock } from '../../../src/scheduler/clocks/system-clock';
import type { AddJobInput } from '../../../src/scheduler/job';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { createTopics, deleteTopics, OffsetWatch } from '../kafka';
import { type MeteredProcess, ProcMeter, type ProcessUsage } from '../proc-meter';
import type { IngestResult } from './driver';
import { postJobs, produceOrders } from './ours-inputs';
import { ServiceProcess, serviceTopics, type ServiceTopics } from './service';

const OURS_DATABASE = 'bench7_ours';
const FAR = Date.UTC(2098, 0, 1);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(
  api: string,
  jobs: number,
  seconds: number,
  step: number,
  add: (from: number, n: number) => Promise<unknown>,
): Promise<IngestResult> {
  const t = performance.now();
  const deadline = t + seconds * 1000;
  let n = 0;
  while (n < jobs && performance.now() < deadline) {
    const k = Math.min(step, jobs - n);
    await add(n, k);
    n += k;
  }
  const s = (performance.now() - t) / 1000;
  return { api, jobs: n, seconds: s, jobsPerSec: n / s };
}

/** The library in this process: `Scheduler` over `MySqlJobStore`, as an embedding application uses it. */
export async function ingestThroughLibrary(
  ds: DataSource,
  jobs: number,
  seconds: number,
): Promise<IngestResult[]> {
  const scheduler = new Scheduler({ store: new MySqlJobStore(ds, new SystemClock()) });
  scheduler.registerHandler('publish', () => {});
  const input = (i: number, prefix: string): AddJobInput => ({
    id: `${prefix}${i}`,
    name: 'bench-ingest',
    trigger: { type: 'date', runDate: new Date(FAR + i).toISOString() },
    action: { handler: 'publish', args: { topic: 'bench7.never', value: { i } } },
  });
  return [
    await timed('Scheduler.addJobs (1,000 per call)', jobs, seconds, 1000, (from, n) =>
      scheduler.addJobs(Array.from({ length: n }, (_, k) => input(from + k, 'ingest-bulk-'))),
    ),
    await timed('Scheduler.addJob (64 calls in flight)', jobs, seconds, 64, (from, n) =>
      Promise.all(Array.from({ length: n }, (_, k) => scheduler.addJob(input(from + k, 'ingest-one-')))),
    ),
  ];
}

async function withService<T>(
  runId: string,
  flavour: string,
  extraEnv: Record<string, string>,
  beforeStart: (topics: ServiceTopics) => Promise<void>,
  work: (service: ServiceProcess, topics: ServiceTopics, groupId: string) => Promise<T>,
): Promise<T> {
  const base = `bench7.${runId}.ingest-${flavour}`;
  const topics = serviceTopics(base, `${base}.orders.cancel`, `${base}.inventory.restock`);
  await createTopics(Object.values(topics), 6);
  let service: ServiceProcess | null = null;
  try {
    await beforeStart(topics);
    service = ServiceProcess.spawn(`ours-1#ingest`, 0, {
      database: OURS_DATABASE,
      topics,
      groupId: `${base}.group`,
      extraEnv,
    });
    return await work(service, topics, `${base}.group`);
  } finally {
    await service?.stop();
    await deleteTopics(Object.values(topics)).catch(() => {});
  }
}

/** `POST /v1/jobs` on one replica, 64 requests in flight: one-shot publish jobs in 2098. */
export async function ingestThroughApi(
  jobs: number,
  seconds: number,
  runId: string,
  extraEnv: Record<string, string>,
  infra: MeteredProcess[],
): Promise<IngestResult> {
  return withService(
    runId,
    'api',
    extraEnv,
    async () => {},
    async (service) => {
      await service.ready();
      const meter = meterWith(service, infra);
      const t = performance.now();
      const n = await postJobs(
        [service],
        jobs,
        (i) => ({
          id: `ingest-api-${i}`,
          trigger: { type: 'date', runDate: new Date(FAR + i).toISOString() },
          action: { handler: 'publish', args: { topic: 'bench7.never', value: { i } } },
        }),
        64,
        Date.now() + seconds * 1000,
      );
      const s = (performance.now() - t) / 1000;
      return {
        api: 'POST /v1/jobs (64 requests in flight)',
        jobs: n,
        seconds: s,
        jobsPerSec: n / s,
        cpuMsPerJob: cpuMsPerJob(meter.end(), n),
      };
    },
  );
}

/** The replica (labelled `replica`) and the shared servers, metered from now. */
function meterWith(service: ServiceProcess, infra: MeteredProcess[]): ProcMeter {
  const meter = new ProcMeter([{ label: 'replica', pid: service.pid, shared: false }, ...infra]);
  meter.begin();
  return meter;
}

function cpuMsPerJob(usage: ProcessUsage[], jobs: number): Record<string, number> {
  return Object.fromEntries(usage.map((u) => [u.label, (u.cpuSeconds * 1000) / Math.max(jobs, 1)]));
}

/**
 * `orders.created` → one replica: the messages are produced first (not measured), then the service
 * starts and consumes them, each scheduling its payment timeout (due in 2098). Progress is the
 * service's consumer group's committed offsets: a message counts once its order and job are
 * committed and its offset with them (a COUNT(*) of the orders table would load mariadbd with the
 * bench's own scans). Rate = orders taken in per second from the first commit seen to the last.
 */
export async function ingestThroughKafka(
  jobs: number,
  seconds: number,
  runId: string,
  extraEnv: Record<string, string>,
  infra: MeteredProcess[],
): Promise<IngestResult> {
  return withService(
    runId,
    'kafka',
    extraEnv,
    async (topics) => {
      await produceOrders(topics.TOPIC_ORDERS_CREATED, {
        prefix: 'ingest-kafka-',
        count: jobs,
        startMs: FAR,
        perSec: 1000,
      });
    },
    async (service, topics, groupId) => {
      const committed = new OffsetWatch(topics.TOPIC_ORDERS_CREATED, groupId);
      try {
        const deadline = Date.now() + 120_000 + seconds * 1000;
        let first = 0;
        let firstAt = 0;
        let n = 0;
        let meter: ProcMeter | null = null;
        while (n < jobs && Date.now() < deadline) {
          await sleep(50);
          n = await committed.count().catch(() => n);
          if (n > 0 && firstAt === 0) {
            first = n;
            firstAt = Date.now();
            meter = meterWith(service, infra);
          }
          if (firstAt > 0 && Date.now() - firstAt > seconds * 1000) break;
        }
        if (!meter) throw new Error(`no order taken in (${service.label})`);
        const usage = meter.end();
        const s = (Date.now() - firstAt) / 1000;
        return {
          api: 'Kafka orders.created → service (1 replica)',
          jobs: n,
          seconds: s,
          jobsPerSec: (n - first) / Math.max(s, 0.001),
          cpuMsPerJob: cpuMsPerJob(usage, n - first),
        };
      } finally {
        await committed.close();
      }
    },
  );
}
