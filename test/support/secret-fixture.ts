import { generateKeyPairSync } from 'node:crypto';

import type { AppConfig } from '../../src/app/config/app-config';
import { loadConfig } from '../../src/app/config/load-config';
import { Secret } from '../../src/app/config/secret';
import { configuredSecretValues } from '../../src/app/config/secret-values';
import { registerSecretValues } from '../../src/app/logging/secret-scrubber';

/**
 * A configuration holding every kind of secret the service reads (each secret setting of the
 * catalog, the passwords read beside them, TLS private keys), and an error text quoting them all.
 */
export const URL_PASSWORD = 'url-pass-Zq81xv';
export const SECRET_ENV: Record<string, string> = {
  DATABASE_URL: `mysql://svc:${URL_PASSWORD}@db.internal:3306/app`,
  DATABASE_PASSWORD: 'db-password-7Hk2"quoted\\',
  KAFKA_BROKERS: 'kafka.internal:9092',
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'svc',
  KAFKA_SASL_PASSWORD: 'kafka-sasl-pass-9Lm',
  ADMIN_API_KEYS: 'admin-key-one-0123456789,admin-key-two-9876543210',
  HTTP_TARGET_SIGNING_SECRET: 'signing-secret-abcdefghijklmnopqrstuvwxyz-0123',
};
const TLS_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

/** A password in a URL that is not configured: hidden by its shape alone. */
export const STRAY_URL = 'amqp://guest:stray-url-password@rabbit:5672/vhost';

/** The configuration, its secrets registered as the app registers them (ConfigModule.forRoot). */
export function secretConfig(): { config: AppConfig; secrets: string[] } {
  const config = loadConfig({ NODE_ENV: 'test', ...SECRET_ENV });
  const tls = { key: new Secret(TLS_KEY), rejectUnauthorized: true, checkHostname: true };
  config.kafka.security.ssl = tls;
  config.database.security.ssl = tls;
  registerSecretValues(configuredSecretValues(config));
  const secrets = [
    URL_PASSWORD,
    SECRET_ENV.DATABASE_PASSWORD,
    SECRET_ENV.KAFKA_SASL_PASSWORD,
    ...SECRET_ENV.ADMIN_API_KEYS.split(','),
    SECRET_ENV.HTTP_TARGET_SIGNING_SECRET,
    TLS_KEY,
    'stray-url-password',
  ];
  return { config, secrets };
}

/** An error message quoting every secret, and a URL with a password. */
export function leakyText(): string {
  const quoted = [
    SECRET_ENV.DATABASE_URL,
    `password=${SECRET_ENV.DATABASE_PASSWORD}`,
    `sasl ${SECRET_ENV.KAFKA_SASL_PASSWORD}`,
    `keys ${SECRET_ENV.ADMIN_API_KEYS}`,
    `signing ${SECRET_ENV.HTTP_TARGET_SIGNING_SECRET}`,
    `key ${TLS_KEY}`,
    STRAY_URL,
  ];
  return `connect failed: ${quoted.join('; ')}`;
}

/** Fails naming the first secret `text` shows (JSON-escaped forms included). */
export function expectNoSecret(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    expect({ secret, shown: text.includes(secret) }).toEqual({ secret, shown: false });
    const escaped = JSON.stringify(secret).slice(1, -1);
    expect({ secret, shown: text.includes(escaped) }).toEqual({ secret, shown: false });
  }
}
