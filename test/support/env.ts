// Where the integration tests find their services. Defaults match scripts/infra/up.sh.
export const DEFAULT_DATABASE_URL = 'mysql://scheduler:scheduler@127.0.0.1:3306/scheduler';
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS)
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}

/** Unique enough across parallel jest workers and repeated runs. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}
