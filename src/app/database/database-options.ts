import type { DataSourceOptions } from 'typeorm';

import { dataSourceOptions } from '../../persistence/data-source';
import type { DatabaseWithUrl } from '../config/settings/database-settings';
import type { TlsSettings } from '../config/security';

/**
 * mysql2's `ssl` from the validated settings. The server-name check needs `verifyIdentity`:
 * mysql2 leaves it off by default, trusting any certificate the CA signed for any host.
 */
function mysqlSsl(tls: TlsSettings): Record<string, unknown> {
  return {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key?.reveal(),
    rejectUnauthorized: tls.rejectUnauthorized,
    verifyIdentity: tls.rejectUnauthorized && tls.checkHostname,
  };
}

/** The one way the service (app, migrations CLI, relay lock, health) connects to MySQL. */
export function databaseOptions(database: DatabaseWithUrl): DataSourceOptions {
  const { ssl, password } = database.security;
  return dataSourceOptions(database.url, {
    poolSize: database.poolSize,
    ...(password ? { password: password.reveal() } : {}),
    ...(ssl ? { ssl: mysqlSsl(ssl) } : {}),
  });
}
