// One fresh database per test file on the server named by DATABASE_URL.
import * as mysql from 'mysql2/promise';
import { databaseUrl, uniqueSuffix } from './env';
import { assertLocallyManaged, infraScript } from './infra-control';

export interface TestDatabase {
  /** DATABASE_URL pointing at the fresh database. */
  url: string;
  /** Its name. */
  database: string;
  /** Drops the database (idempotent). */
  drop(): Promise<void>;
}

function serverUrl(): URL {
  const raw = databaseUrl();
  try {
    return new URL(raw);
  } catch {
    throw new Error(`DATABASE_URL is not a URL: ${raw}`);
  }
}

/** A connection to the server (no default database), as the DATABASE_URL user. */
export async function connectToServer(): Promise<mysql.Connection> {
  const url = serverUrl();
  try {
    return await mysql.createConnection({
      host: url.hostname,
      port: url.port ? Number(url.port) : 3306,
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      connectTimeout: 5000,
    });
  } catch (err) {
    throw new Error(
      `cannot connect to MariaDB/MySQL at ${url.hostname}:${url.port || 3306} (${(err as Error).message}); run: npm run infra:up`,
    );
  }
}

function sanitize(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 30);
}

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const database = `t_${sanitize(label) || 'test'}_${uniqueSuffix()}`.slice(0, 64);
  const conn = await connectToServer();
  try {
    await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
  const url = serverUrl();
  url.pathname = `/${database}`;
  let dropped = false;
  return {
    url: url.toString(),
    database,
    async drop(): Promise<void> {
      if (dropped) return;
      const c = await connectToServer();
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
        dropped = true;
      } finally {
        await c.end();
      }
    },
  };
}

/** Stops the local MariaDB (scripts/infra/mariadb.sh down). Pair with startMariaDb() in a finally. */
export async function stopMariaDb(): Promise<void> {
  assertLocallyManaged('mariadb', process.env.DATABASE_URL, '127.0.0.1');
  await infraScript('mariadb', 'down');
}

/** Starts the local MariaDB again and waits until it answers (scripts/infra/mariadb.sh up). */
export async function startMariaDb(): Promise<void> {
  assertLocallyManaged('mariadb', process.env.DATABASE_URL, '127.0.0.1');
  await infraScript('mariadb', 'up');
}
