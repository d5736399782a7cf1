import { randomBytes } from 'node:crypto';

import type { AppConfig } from './app-config';
import { isEmbedded } from './load-config';

/**
 * Embedded mode is for trying the service out: rather than refuse every admin call when no key is
 * configured, make one for this run (the caller prints it). Returns it, or undefined when the
 * service runs durably or has keys of its own.
 */
export function ensureEmbeddedAdminKey(config: AppConfig): string | undefined {
  if (!isEmbedded(config) || config.admin.apiKeys.length > 0) return undefined;
  const key = randomBytes(16).toString('hex');
  config.admin.apiKeys = [key];
  return key;
}
