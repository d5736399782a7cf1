import type { DataSourceOptions } from 'typeorm';

import { dataSourceOptions } from '../../persistence/data-source';
import type { AppConfig } from '../config/app-config';
import type { TlsSettings } from '../config/security';

/**
 * mysql2's `ssl` from the validated settings. The server-name check needs `verifyIdentity`:
 * mysql2 leaves it off by default, trusting any certificate the CA signed for any host.
 */
export function mysqlSsl(tls: TlsSettings): Record<string, unknown> {
  return {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key?.reveal(),
    rejectUnauthorized: tls.rejectUnauthorized,
    verifyIdentity: tls.rejectUnauthorized && tls.checkHostname,
  };
}

/** The one way the service (app, migrations CLI, relay lock, health) connects to MySQL. */
export function databaseOptions(config: AppConfig & { DATABASE_URL: string }): DataSourceOptions {
  const { ssl, password } = config.databaseSecurity;
  return dataSourceOptions(config.DATABASE_URL, {
    poolSize: config.DATABASE_POOL_SIZE,
    ...(password ? { password: password.reveal() } : {}),
    ...(ssl ? { ssl: mysqlSsl(ssl) } : {}),
  });
}
