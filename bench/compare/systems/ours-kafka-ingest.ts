import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { v4 as uuidv4 } from 'uuid';

import { benchKafka, createTopics, deleteTopics } from '../kafka';
import { ITEMS } from '../plan';
import {
  adminConnection,
  databaseUrl,
  dropDatabase,
  kafkaBrokers,
  recreateDatabase,
  repoRoot,
} from '../setup/infra';
import type { IngestResult } from './driver';

const DATABASE = 'bench7_orders';
const BUILD = path.join(repoRoot(), 'node_modules', '.cache', 'bench-build');

/**
 * The whole service (node src/app/main.js, one replica) built into the bench's build directory; tsc
 * emits even when some other part of src does not type-check, so only a missing output is fatal.
 */
function buildService(): string | null {
  try {
    execFileSync('npx', ['tsc', '-p', path.join(repoRoot(), 'bench/compare/tsconfig.app.json')], {
      stdio: 'ignore',
    });
  } catch {
    // type errors elsewhere in src: the emitted JS is used if it is there
  }
  const main = path.join(BUILD, 'src', 'app', 'main.js');
  return existsSync(main) ? main : null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Scheduling from Kafka: `jobs` orders.created messages are produced first (not measured); then the
 * service starts and consumes them, each scheduling its payment-timeout job. Rate = jobs stored per
 * second from the first stored job to the last.
 */
export async function ingestFromKafka(
  jobs: number,
  seconds: number,
  runId: string,
): Promise<IngestResult | string> {
  const main = buildService();
  if (!main) return 'the service did not build (src/app/main.ts)';
  const base = `bench7.${runId}.svc`;
  const topics = {
    TOPIC_ORDERS_CREATED: `${base}.orders.created`,
    TOPIC_ORDERS_PAID: `${base}.orders.paid`,
    TOPIC_ORDERS_CANCEL: `${base}.orders.cancel`,
    TOPIC_INVENTORY_RESTOCK: `${base}.inventory.restock`,
    TOPIC_ORDERS_LATE_PAYMENT: `${base}.orders.late-payment`,
    TOPIC_SCHEDULER_COMMANDS: `${base}.scheduler.commands`,
  };
  await recreateDatabase(DATABASE);
  await createTopics(Object.values(topics), 6);
  const producer = benchKafka('bench-orders').producer();
  await producer.connect();
  const createdAt = new Date().toISOString();
  for (let i = 0; i < jobs; i += 1000) {
    const messages = Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => {
      const orderId = `order-${i + k}`;
      const eventId = uuidv4();
      return {
        key: orderId,
        value: JSON.stringify({ eventId, orderId, createdAt, items: ITEMS }),
        headers: { 'x-event-id': eventId },
      };
    });
    await producer.send({ topic: topics.TOPIC_ORDERS_CREATED, acks: -1, messages });
  }
  await producer.disconnect();

  let service: ChildProcess | null = null;
  const c = await adminConnection();
  try {
    service = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        ...topics,
        DATABASE_URL: databaseUrl(DATABASE),
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_GROUP_ID: `${base}.group`,
        KAFKA_CREATE_TOPICS: 'false',
        PORT: '39517',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const count = async (): Promise<number> => {
      try {
        const [rows] = await c.query(`SELECT COUNT(*) AS n FROM \`${DATABASE}\`.scheduler_jobs`);
        return Number((rows as { n: string }[])[0].n);
      } catch {
        return 0; // tables not migrated yet
      }
    };
    const deadline = Date.now() + 60_000 + seconds * 1000;
    let first = 0;
    let firstAt = 0;
    let n = 0;
    while (n < jobs && Date.now() < deadline && service.exitCode === null) {
      await sleep(100);
      n = await count();
      if (n > 0 && firstAt === 0) {
        first = n;
        firstAt = Date.now();
      }
    }
    if (firstAt === 0) return `no job stored within the time allowed (service exit code ${service.exitCode})`;
    const s = (Date.now() - firstAt) / 1000;
    return {
      api: 'Kafka orders.created → service (1 replica)',
      jobs: n,
      seconds: s,
      jobsPerSec: (n - first) / Math.max(s, 0.001),
    };
  } finally {
    service?.kill('SIGTERM');
    await sleep(2000);
    if (service && service.exitCode === null) service.kill('SIGKILL');
    await c.end();
    await deleteTopics(Object.values(topics)).catch(() => {});
    await dropDatabase(DATABASE).catch(() => {});
  }
}
