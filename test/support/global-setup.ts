// Jest globalSetup for the integration project: the services must be there. Never skips.
import { Kafka, logLevel } from 'kafkajs';
import * as mysql from 'mysql2/promise';
import { databaseUrl, kafkaBrokers } from './env';

const HOW_TO_FIX =
  'Start the local servers with `npm run infra:up` (scripts/infra/up.sh), ' +
  'or point DATABASE_URL / KAFKA_BROKERS at running servers (`npm test` starts the local ones when those are unset).';

async function checkDatabase(): Promise<string | null> {
  const raw = databaseUrl();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `DATABASE_URL is not a URL: ${raw}`;
  }
  const where = `${url.hostname}:${url.port || 3306}`;
  try {
    const conn = await mysql.createConnection({
      host: url.hostname,
      port: url.port ? Number(url.port) : 3306,
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      connectTimeout: 5000,
    });
    try {
      await conn.query('SELECT 1');
    } finally {
      await conn.end();
    }
    return null;
  } catch (err) {
    return `MariaDB/MySQL at ${where} (DATABASE_URL=${process.env.DATABASE_URL ?? '<default>'}) is not reachable: ${(err as Error).message}`;
  }
}

async function checkKafka(): Promise<string | null> {
  const brokers = kafkaBrokers();
  const admin = new Kafka({
    clientId: 'integration-global-setup',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 2, initialRetryTime: 300 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return null;
  } catch (err) {
    return `Kafka at ${brokers.join(',')} (KAFKA_BROKERS=${process.env.KAFKA_BROKERS ?? '<default>'}) is not reachable: ${(err as Error).message}`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export default async function globalSetup(): Promise<void> {
  const problems = (await Promise.all([checkDatabase(), checkKafka()])).filter(
    (p): p is string => p !== null,
  );
  if (problems.length > 0) {
    throw new Error(
      `Integration tests need MariaDB/MySQL and Kafka.\n  - ${problems.join('\n  - ')}\n${HOW_TO_FIX}`,
    );
  }
}
