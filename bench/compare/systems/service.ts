import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

import { databaseUrl, kafkaBrokers, repoRoot } from '../setup/infra';

/** The shipped service as `npm run build` emits it: what `npm start` runs. */
export function serviceEntry(): string {
  const main = path.join(repoRoot(), 'dist', 'src', 'app', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  return main;
}

/** The node flags `npm start` (and the image, checked by container.spec) runs the service with. */
export function serviceNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = pkg.scripts.start.split(/\s+/);
  if (words[0] !== 'node' || words[words.length - 1] !== 'dist/src/app/main.js')
    throw new Error(
      `package.json "start" is not \`node [flags] dist/src/app/main.js\`: ${pkg.scripts.start}`,
    );
  return words.slice(1, -1);
}

/** Topic settings of one run: the service's TOPIC_* variables, all `bench7.<run>.*`. */
export interface ServiceTopics {
  TOPIC_ORDERS_CREATED: string;
  TOPIC_ORDERS_PAID: string;
  TOPIC_ORDERS_CANCEL: string;
  TOPIC_INVENTORY_RESTOCK: string;
  TOPIC_ORDERS_LATE_PAYMENT: string;
  TOPIC_SCHEDULER_COMMANDS: string;
  TOPIC_SCHEDULER_DEAD_LETTER: string;
}

export function serviceTopics(base: string, cancel: string, restock: string): ServiceTopics {
  return {
    TOPIC_ORDERS_CREATED: `${base}.orders.created`,
    TOPIC_ORDERS_PAID: `${base}.orders.paid`,
    TOPIC_ORDERS_CANCEL: cancel,
    TOPIC_INVENTORY_RESTOCK: restock,
    TOPIC_ORDERS_LATE_PAYMENT: `${base}.orders.late-payment`,
    TOPIC_SCHEDULER_COMMANDS: `${base}.scheduler.commands`,
    TOPIC_SCHEDULER_DEAD_LETTER: `${base}.scheduler.dead-letter`,
  };
}

/** The admin key of every bench replica (the API refuses everything without one). */
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

export interface ServiceOptions {
  database: string;
  topics: ServiceTopics;
  groupId: string;
  /** Extra environment (`--ours-env KEY=VALUE`), after the bench's own. */
  extraEnv: Record<string, string>;
}

/** BENCH_SERVICE_PORT_BASE: the first replica's port (benches run side by side need their own). */
const BASE_PORT = Number(process.env.BENCH_SERVICE_PORT_BASE ?? 39_600);

/**
 * Whether `pid` holds the socket listening on 127.0.0.1:`port` (Linux /proc): a port another
 * bench's replica already holds answers /health/ready too, while ours exits with EADDRINUSE.
 */
function listensOn(pid: number, port: number): boolean {
  try {
    const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const inodes = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(hexPort) && f[3] === '0A')
      .map((f) => `socket:[${f[9]}]`);
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.includes(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    });
  } catch {
    return true; // no /proc: cannot tell
  }
}

/** Replicas still running: killed if the bench itself exits (a crash must not leave them behind). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One replica: `npm start`'s `node [flags] dist/src/app/main.js`, configured only through its environment, as an
 * operator runs it. Everything not set here is the service's default.
 */
export class ServiceProcess {
  private exited: number | null = null;
  private stderrTail = '';

  private constructor(
    readonly label: string,
    readonly port: number,
    private readonly proc: ChildProcess,
  ) {
    live.add(proc);
    proc.on('exit', (code, signal) => {
      live.delete(proc);
      this.exited = code ?? (signal ? 128 : -1);
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static spawn(label: string, index: number, options: ServiceOptions): ServiceProcess {
    const port = BASE_PORT + index;
    // BENCH_CHILD_NODE_ARGS: extra node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl(options.database),
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_GROUP_ID: options.groupId,
      // The bench creates every topic itself (LogAppendTime on the outputs: see kafka.ts).
      KAFKA_CREATE_TOPICS: 'false',
      SCHEDULER_REPLICA_ID: `${label}`,
      ADMIN_API_KEYS: BENCH_ADMIN_KEY,
      // The ingest workload posts tens of thousands of jobs a minute through the admin API.
      ADMIN_RATE_LIMIT_PER_MINUTE: '100000000',
      ...options.topics,
      ...options.extraEnv,
    };
    // BENCH_SERVICE_LOG_DIR: keep each replica's log (stdout, LOG_LEVEL=warn unless --ours-env says otherwise).
    const logDir = process.env.BENCH_SERVICE_LOG_DIR;
    let stdout: 'ignore' | number = 'ignore';
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      stdout = openSync(path.join(logDir, `${label.replace(/[^a-zA-Z0-9.-]/g, '_')}.log`), 'a');
    }
    const proc = spawn(process.execPath, [...serviceNodeFlags(), ...nodeArgs, serviceEntry()], {
      cwd: repoRoot(),
      env,
      stdio: ['ignore', stdout, 'pipe'],
    });
    if (typeof stdout === 'number') closeSync(stdout);
    return new ServiceProcess(label, port, proc);
  }

  /** Resolves once GET /health/ready answers 200 (every dependency up). */
  async ready(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited !== null)
        throw new Error(`${this.label} exited with ${this.exited} before ready:\n${this.stderrTail}`);
      try {
        const response = await fetch(`${this.url}/health/ready`);
        if (response.status === 200) {
          if (listensOn(this.pid, this.port)) return;
          throw new Error(
            `${this.label}: port ${this.port} answers but another process holds it (set BENCH_SERVICE_PORT_BASE)`,
          );
        }
      } catch (error) {
        if (error instanceof Error && error.message.includes('BENCH_SERVICE_PORT_BASE')) throw error;
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`${this.label} not ready after ${timeoutMs} ms:\n${this.stderrTail}`);
  }

  /** SIGTERM (the service's graceful shutdown), SIGKILL if it has not exited in time. */
  async stop(timeoutMs = 30_000): Promise<Record<string, number>> {
    if (this.exited !== null) return { exitedEarly: 1 };
    const exit = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill('SIGTERM');
    const killed = await Promise.race([exit.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (killed) {
      this.proc.kill('SIGKILL');
      await exit;
      return { killed: 1 };
    }
    return {};
  }
}
