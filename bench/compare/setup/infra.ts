import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

import { createConnection, type Connection } from 'mysql2/promise';

import { DEFAULT_DATABASE_URL } from '../../../src/persistence/data-source';

/** The repository root: the nearest package.json of this project above this file (source or build output). */
function findRepo(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (
      existsSync(file) &&
      (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'delayed-action-service'
    )
      return dir;
  }
  throw new Error('cannot find the project root above ' + __dirname);
}

const REPO = findRepo();

export function repoRoot(): string {
  return REPO;
}

export interface ServerAddress {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function mysqlServer(): ServerAddress {
  const url = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

export function databaseUrl(database: string): string {
  const s = mysqlServer();
  return `mysql://${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}@${s.host}:${s.port}/${database}`;
}

export function adminConnection(database?: string): Promise<Connection> {
  return createConnection({ ...mysqlServer(), database, timezone: 'Z', multipleStatements: false });
}

export async function recreateDatabase(name: string): Promise<void> {
  const c = await adminConnection();
  try {
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await c.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  const c = await adminConnection();
  try {
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await c.end();
  }
}

export interface InfraPids {
  mariadb: number;
  kafka: number;
}

/**
 * The bench's private MariaDB + Kafka pair (the default): the project's scripts, another cache dir
 * and ports (3316/9192/9193 unless MARIADB_PORT, KAFKA_PORT, KAFKA_CONTROLLER_PORT say otherwise),
 * a 4 GiB InnoDB buffer pool unless MARIADB_BUFFER_POOL says otherwise.
 */
const OWN_INFRA = {
  DELAYED_ACTION_CACHE: path.join(
    process.env.DELAYED_ACTION_CACHE ?? path.join(homedir(), '.cache', 'delayed-action'),
    'bench-infra',
  ),
  MARIADB_PORT: process.env.MARIADB_PORT ?? '3316',
  KAFKA_PORT: process.env.KAFKA_PORT ?? '9192',
  KAFKA_CONTROLLER_PORT: process.env.KAFKA_CONTROLLER_PORT ?? '9193',
  // Sized to hold the backlog workload's 5,000,000 jobs (~3.5 GB with indexes), as a production
  // primary's pool is sized to its working set; the project's 1 GiB default is for development.
  MARIADB_BUFFER_POOL: process.env.MARIADB_BUFFER_POOL ?? '4G',
};

function script(name: string, own: boolean): string {
  const env = own ? { ...process.env, ...OWN_INFRA } : process.env;
  return execFileSync('bash', [path.join(REPO, 'scripts/infra', name)], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/**
 * MariaDB and Kafka through the project's own scripts (idempotent; ~0.2 s when up). With `own`, a
 * private pair on ports 3316/9192 under <cache>/bench-infra, so other work restarting the shared
 * servers (resilience tests do) cannot break a long run; otherwise the shared 3306/9092 pair, unless
 * the environment names other servers. Returns the servers' pids for metering.
 */
export function ensureInfra(log: (line: string) => void, own: boolean): InfraPids {
  if (own) {
    process.env.DATABASE_URL = `mysql://scheduler:scheduler@127.0.0.1:${OWN_INFRA.MARIADB_PORT}/scheduler`;
    process.env.KAFKA_BROKERS = `127.0.0.1:${OWN_INFRA.KAFKA_PORT}`;
    script('up.sh', true);
  } else if (!process.env.DATABASE_URL || !process.env.KAFKA_BROKERS) {
    script('up.sh', false);
  }
  let status = '';
  try {
    status = script('status.sh', own);
  } catch {
    // servers named by the environment: not ours to describe
  }
  log(status.trim());
  const pid = (name: string): number =>
    Number(new RegExp(`^${name}: up .*?pid (\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { mariadb: pid('mariadb'), kafka: pid('kafka') };
}

/** Stop the private pair (its data is kept for the next run; jars stay cached). */
export function stopOwnInfra(): void {
  script('down.sh', true);
}
