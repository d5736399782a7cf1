import { ConfigError } from '../config/load-config';
import { scrubSecrets } from '../logging/secret-scrubber';
import { StartupConnectionError } from './startup-error';

/**
 * What a failed start (or a crash) prints: a configuration or connection-settings error is the
 * operator's to fix, so its message alone; anything else with its stack. Either without secrets
 * (a driver error can quote DATABASE_URL or a password).
 */
export function fatalStartText(error: unknown): string {
  if (error instanceof ConfigError || error instanceof StartupConnectionError)
    return scrubSecrets(error.message);
  return scrubSecrets(error instanceof Error ? String(error.stack) : String(error));
}
