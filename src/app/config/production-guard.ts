import type { AppConfig } from './app-config';

/**
 * In production a missing DATABASE_URL or KAFKA_BROKERS is far likelier a broken deployment than a
 * wish to keep jobs and events in memory, where a restart loses them all: refuse, unless the
 * operator said so with ALLOW_EMBEDDED_IN_PRODUCTION=true.
 */
export function embeddedInProductionProblems(config: AppConfig): string[] {
  if (config.NODE_ENV !== 'production' || config.ALLOW_EMBEDDED_IN_PRODUCTION) return [];
  const unset = (['DATABASE_URL', 'KAFKA_BROKERS'] as const).filter((name) => config[name] === undefined);
  if (unset.length === 0) return [];
  const what = unset.map((n) => (n === 'DATABASE_URL' ? 'jobs' : 'events')).join(' and ');
  return [
    `${unset.join(' and ')} unset with NODE_ENV=production: ${what} would live in memory and be lost on ` +
      'every restart; set it, or set ALLOW_EMBEDDED_IN_PRODUCTION=true to run embedded anyway',
  ];
}
