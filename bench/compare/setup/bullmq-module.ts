import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * BullMQ is a benchmark peer, not a dependency of the service: it is installed by the benchmark
 * into a cache folder of its own. (It cannot sit in the project's lockfile either: its msgpackr
 * dependency lists platform binaries the npm registry reachable here does not serve, which would
 * leave `npm ci` unable to install the project.) Only the few calls the benchmark makes are typed.
 */
export const BULLMQ_VERSION = '6.7.0';
export const IOREDIS_VERSION = '5.11.1';

const PREFIX = path.join(
  process.env.DELAYED_ACTION_CACHE ?? path.join(homedir(), '.cache', 'delayed-action'),
  `bench-bullmq-${BULLMQ_VERSION}`,
);

export interface BullConnection {
  host: string;
  port: number;
  maxRetriesPerRequest?: number | null;
}

export interface BullJobOptions {
  jobId?: string;
  timestamp?: number;
  delay?: number;
  removeOnComplete?: boolean;
}

export interface BullJob<T> {
  id?: string;
  data: T;
  timestamp: number;
  delay: number;
}

export interface BullQueue {
  add(name: string, data: unknown, opts?: BullJobOptions): Promise<unknown>;
  addBulk(jobs: Array<{ name: string; data: unknown; opts?: BullJobOptions }>): Promise<unknown>;
  upsertJobScheduler(
    id: string,
    repeat: { every: number; startDate?: number; endDate?: number; limit?: number },
    template: object,
  ): Promise<unknown>;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
  obliterate(opts?: { force?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface BullWorker {
  on(event: 'failed', listener: () => void): void;
  waitUntilReady(): Promise<unknown>;
  close(force?: boolean): Promise<void>;
}

export interface BullMq {
  Queue: new (name: string, opts: { connection: BullConnection }) => BullQueue;
  Worker: new <T>(
    name: string,
    processor: (job: BullJob<T>) => Promise<void>,
    opts: {
      connection: BullConnection;
      concurrency: number;
      removeOnComplete?: { count: number };
      removeOnFail?: { count: number };
    },
  ) => BullWorker;
}

/** Installs BullMQ into the cache (once); returns the version installed there. */
export function bullMqVersion(log: (line: string) => void = () => undefined): string {
  loadBullMq(log);
  const file = path.join(PREFIX, 'node_modules', 'bullmq', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Installs BullMQ into the cache (once) and loads it from there. */
export function loadBullMq(log: (line: string) => void = () => undefined): BullMq {
  const entry = path.join(PREFIX, 'node_modules', 'bullmq');
  // BullMQ 6 takes its Redis client as an optional peer: without ioredis next to it, it cannot connect.
  if (!existsSync(entry) || !existsSync(path.join(PREFIX, 'node_modules', 'ioredis'))) {
    log(`installing bullmq@${BULLMQ_VERSION} and ioredis@${IOREDIS_VERSION} into ${PREFIX} (npm)…`);
    mkdirSync(PREFIX, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        PREFIX,
        '--no-save',
        '--no-audit',
        '--no-fund',
        `bullmq@${BULLMQ_VERSION}`,
        `ioredis@${IOREDIS_VERSION}`,
      ],
      { stdio: 'ignore' },
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module outside the project's tree, found at run time
  return require(entry) as BullMq;
}
