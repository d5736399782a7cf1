import type { AppConfig } from '../config/app-config';
import { checkDatabase } from './database-check';
import { checkKafka } from './kafka-check';
import { StartupConnectionError } from './startup-error';

/**
 * Before the app is built: MySQL and Kafka accept the configured credentials, CA and TLS mode.
 * Throws one StartupConnectionError naming every wrong setting; each check is time-bounded.
 */
export async function checkConnections(config: AppConfig, warn: (message: string) => void): Promise<void> {
  const { url } = config.database;
  const { brokers } = config.kafka;
  const results = await Promise.allSettled([
    url ? checkDatabase({ ...config.database, url }) : Promise.resolve(undefined),
    brokers ? checkKafka({ ...config.kafka, brokers }) : Promise.resolve(undefined),
  ]);
  const errors: StartupConnectionError[] = [];
  for (const result of results) {
    if (result.status === 'rejected') {
      if (!(result.reason instanceof StartupConnectionError)) throw result.reason;
      errors.push(result.reason);
    } else if (result.value && !result.value.ok) {
      warn(result.value.message);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    throw new StartupConnectionError(
      errors.flatMap((e) => e.settings),
      errors.map((e) => e.message).join('\n'),
    );
  }
}
