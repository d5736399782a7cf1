import { DataSource } from 'typeorm';

import type { DatabaseWithUrl } from '../config/settings/database-settings';
import { databaseOptions } from '../database/database-options';
import { rootCause, StartupConnectionError, tlsProblem } from './startup-error';

export type DatabaseCheck = { ok: true } | { ok: false; transient: true; message: string };

/** Network failures: the server may be starting; TypeORM's own retries decide. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ECONNRESET',
]);
const ACCESS_DENIED = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR']);

/**
 * One connection (5 s connect timeout) with the service's own options. Settings the server
 * refuses (password, CA, TLS on or off, client certificate) throw a StartupConnectionError
 * naming them; an unreachable server is only reported.
 */
export async function checkDatabase(database: DatabaseWithUrl): Promise<DatabaseCheck> {
  const failure = await connectOnce(database);
  if (!failure) return { ok: true };
  const cause = rootCause(failure);
  const target = new URL(database.url);
  const where = `MySQL at ${target.hostname}:${target.port || 3306}`;
  const make = (settings: string[], why: string) =>
    new StartupConnectionError(
      settings,
      `${settings.join(' / ')}: ${where} ${why} (${cause.message.trim()})`,
    );
  if (UNREACHABLE.has(cause.code ?? '')) {
    return { ok: false, transient: true, message: make(['DATABASE_URL'], 'cannot be reached').message };
  }
  const ssl = database.security.ssl;
  if (ACCESS_DENIED.has(cause.code ?? '')) {
    // MariaDB answers "access denied" to a plaintext login when it requires TLS: try once over TLS.
    if (!ssl && (await acceptsOverTls(database))) {
      throw make(
        ['DATABASE_SSL'],
        'accepts this login over TLS only: set DATABASE_SSL=true (and DATABASE_SSL_CA_FILE)',
      );
    }
    const settings = database.security.password ? ['DATABASE_URL', 'DATABASE_PASSWORD'] : ['DATABASE_URL'];
    const certHint =
      ssl && !ssl.cert ? ', or the account requires a client certificate (DATABASE_SSL_CERT_FILE)' : '';
    throw make(
      settings,
      `refused user '${decodeURIComponent(target.username)}': wrong user or password${certHint}`,
    );
  }
  if (/insecure transport|secure transport/i.test(cause.message)) {
    throw make(['DATABASE_SSL'], 'accepts TLS connections only: set DATABASE_SSL=true');
  }
  if (
    cause.code === 'HANDSHAKE_NO_SSL_SUPPORT' ||
    /does not support secure connection/i.test(cause.message)
  ) {
    throw make(['DATABASE_SSL'], 'does not offer TLS (DATABASE_SSL=true)');
  }
  const problem = tlsProblem(cause);
  if (problem === 'untrusted') {
    throw make(
      ['DATABASE_SSL_CA_FILE'],
      'presented a certificate no trusted CA signed (set the CA that issued it)',
    );
  }
  if (problem === 'hostname')
    throw make(['DATABASE_SSL_CHECK_HOSTNAME'], 'presented a certificate for another host name');
  if (problem === 'client-certificate') {
    throw make(['DATABASE_SSL_CERT_FILE', 'DATABASE_SSL_KEY_FILE'], 'refused the client certificate');
  }
  throw make(['DATABASE_URL'], 'refused the connection');
}

/** Connects and runs one query; the error, if any. */
async function connectOnce(database: DatabaseWithUrl): Promise<unknown> {
  const dataSource = new DataSource(databaseOptions({ ...database, poolSize: 1 }));
  try {
    await dataSource.initialize();
    await dataSource.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
  }
}

/** Only to name the setting: the same login over TLS without checking the certificate. */
async function acceptsOverTls(database: DatabaseWithUrl): Promise<boolean> {
  const anyCertificate = { rejectUnauthorized: false, checkHostname: false };
  const failure = await connectOnce({
    ...database,
    security: { ...database.security, ssl: anyCertificate },
  });
  return failure === undefined;
}
