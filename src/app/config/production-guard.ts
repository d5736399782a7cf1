import type { AppConfig } from './app-config';

/**
 * In production a missing DATABASE_URL or KAFKA_BROKERS is far likelier a broken deployment than a
 * wish to keep jobs and events in memory, where a restart loses them all: refuse, unless the
 * operator said so with ALLOW_EMBEDDED_IN_PRODUCTION=true.
 */
export function embeddedInProductionProblems(config: AppConfig): string[] {
  if (config.runtime.nodeEnv !== 'production' || config.runtime.allowEmbeddedInProduction) return [];
  const unset = [
    config.database.url === undefined ? 'DATABASE_URL' : null,
    config.kafka.brokers === undefined ? 'KAFKA_BROKERS' : null,
  ].filter((name) => name !== null);
  if (unset.length === 0) return [];
  const what = unset.map((n) => (n === 'DATABASE_URL' ? 'jobs' : 'events')).join(' and ');
  return [
    `${unset.join(' and ')} unset with NODE_ENV=production: ${what} would live in memory and be lost on ` +
      'every restart; set it, or set ALLOW_EMBEDDED_IN_PRODUCTION=true to run embedded anyway',
  ];
}
