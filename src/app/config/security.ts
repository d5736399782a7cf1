import { type KeyObject, X509Certificate } from 'node:crypto';

import type { AppConfig } from './app-config';
import { Secret } from './secret';
import { SourceReader } from './secret-sources';
import type { KafkaSettings } from './settings/kafka-settings';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** TLS towards a server: PEM contents read at start-up, checks on unless turned off. */
export interface TlsSettings {
  /** CA bundle to trust instead of Node's built-in roots. */
  ca?: string;
  /** Client certificate (chain) and its key, for servers that require one (mutual TLS). */
  cert?: string;
  key?: Secret;
  /** The server's chain must lead to a trusted CA. */
  rejectUnauthorized: boolean;
  /** The server's certificate must name the host connected to. */
  checkHostname: boolean;
}

export interface KafkaSecurity {
  ssl?: TlsSettings;
  sasl?: { mechanism: SaslMechanism; username: string; password: Secret };
}

export interface DatabaseSecurity {
  ssl?: TlsSettings;
  /** Overrides the password in DATABASE_URL, so the URL need not hold a secret. */
  password?: Secret;
}

type TlsPrefix = 'KAFKA_SSL' | 'DATABASE_SSL';

/** The TLS settings the Kafka and database groups both have, named alike. */
type TlsFileSettings = Pick<
  KafkaSettings,
  'ssl' | 'sslCaFile' | 'sslCertFile' | 'sslKeyFile' | 'sslRejectUnauthorized' | 'sslCheckHostname'
>;

/**
 * Reads the TLS, SASL and password settings (secrets from NAME or NAME_FILE) into the grouped
 * objects the Kafka and MySQL clients are built from. Returns every problem found.
 */
export function readSecurity(
  config: AppConfig,
  env: NodeJS.ProcessEnv,
): { kafka: KafkaSecurity; database: DatabaseSecurity; problems: string[] } {
  const reader = new SourceReader(env);
  const kafka: KafkaSecurity = {};
  const database: DatabaseSecurity = {};
  kafka.ssl = readTls(reader, config.kafka, 'KAFKA_SSL');
  database.ssl = readTls(reader, config.database, 'DATABASE_SSL');
  database.password = reader.secret('DATABASE_PASSWORD');
  kafka.sasl = readSasl(reader, config.kafka, kafka.ssl !== undefined);
  return { kafka, database, problems: reader.problems };
}

function readTls(
  reader: SourceReader,
  settings: TlsFileSettings,
  prefix: TlsPrefix,
): TlsSettings | undefined {
  const files = { ca: settings.sslCaFile, cert: settings.sslCertFile, key: settings.sslKeyFile };
  const passphrase = reader.secret(`${prefix}_KEY_PASSWORD`);
  if (!settings.ssl) {
    const stray = Object.entries(files)
      .filter(([, path]) => path !== undefined)
      .map(([part]) => `${prefix}_${part.toUpperCase()}_FILE`);
    if (stray.length > 0) reader.problems.push(`${stray.join(', ')} set but ${prefix} is not true`);
    return undefined;
  }
  if ((files.cert === undefined) !== (files.key === undefined)) {
    reader.problems.push(`${prefix}_CERT_FILE and ${prefix}_KEY_FILE go together: set both or neither`);
  }
  const ca = reader.certificates(`${prefix}_CA_FILE`, files.ca);
  const cert = reader.certificates(`${prefix}_CERT_FILE`, files.cert);
  const key = reader.privateKey(`${prefix}_KEY_FILE`, files.key, {
    name: `${prefix}_KEY_PASSWORD`,
    value: passphrase,
  });
  if (cert && key && !new X509Certificate(cert).checkPrivateKey(key)) {
    reader.problems.push(`${prefix}_KEY_FILE does not belong to the certificate in ${prefix}_CERT_FILE`);
  }
  return {
    ca,
    cert,
    // Drivers get the key decrypted, so the passphrase goes no further than this function.
    key: key ? secretPem(key) : undefined,
    rejectUnauthorized: settings.sslRejectUnauthorized,
    checkHostname: settings.sslCheckHostname,
  };
}

function secretPem(key: KeyObject): Secret {
  return new Secret(key.export({ format: 'pem', type: 'pkcs8' }).toString());
}

function readSasl(reader: SourceReader, kafka: KafkaSettings, tls: boolean): KafkaSecurity['sasl'] {
  const mechanism = kafka.saslMechanism;
  const username = kafka.saslUsername;
  const password = reader.secret('KAFKA_SASL_PASSWORD');
  if (mechanism === undefined) {
    const stray = [
      username !== undefined ? 'KAFKA_SASL_USERNAME' : null,
      password !== undefined ? 'KAFKA_SASL_PASSWORD' : null,
    ].filter((name) => name !== null);
    if (stray.length > 0) reader.problems.push(`${stray.join(', ')} set but KAFKA_SASL_MECHANISM is not`);
    return undefined;
  }
  if (username === undefined)
    reader.problems.push(`KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM`);
  if (password === undefined) {
    reader.problems.push(
      `KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) is required with KAFKA_SASL_MECHANISM`,
    );
  }
  if (mechanism === 'plain' && !tls) {
    reader.problems.push('KAFKA_SASL_MECHANISM=plain sends the password as is: it needs KAFKA_SSL=true');
  }
  if (username === undefined || password === undefined) return undefined;
  return { mechanism, username, password };
}
