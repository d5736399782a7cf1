import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { DataSource } from 'typeorm';
import * as mysql from 'mysql2/promise';

import { loadConfig } from '../../../src/app/config/load-config';
import { databaseOptions } from '../../../src/app/database/database-options';
import { createKafkaClient } from '../../../src/app/kafka/kafka-client';
import { checkConnections } from '../../../src/app/startup/check-connections';
import { StartupConnectionError } from '../../../src/app/startup/startup-error';
import { uniqueSuffix } from '../../support/env';
import { startTlsInfra, type TlsInfra } from '../../support/tls-infra';

// The TLS/SASL matrix against real servers made by scripts/infra/tls.sh: MariaDB with
// require_secure_transport=ON, a Kafka broker with SASL_SSL (PLAIN, SCRAM) and mutual-TLS
// listeners, certificates from openssl. Budget: starting the servers the first time takes up to
// ~2 min (Maven-cached jars), each check below is bounded by the service's own timeouts.
jest.setTimeout(300_000);

const WRONG = 'Wrong-Secret-9f2c7e';
let tls: TlsInfra;
let database: string;
const warnings: string[] = [];

beforeAll(async () => {
  tls = await startTlsInfra();
  database = `t_tls_${uniqueSuffix()}`.slice(0, 60);
  const admin = await mysql.createConnection({
    host: '127.0.0.1',
    port: tls.mariadbPort,
    user: 'scheduler',
    password: 'scheduler',
    ssl: { ca: tls.read('ca.pem') },
  });
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.end();
});

afterAll(async () => {
  const admin = await mysql.createConnection({
    host: '127.0.0.1',
    port: tls.mariadbPort,
    user: 'scheduler',
    password: 'scheduler',
    ssl: { ca: tls.read('ca.pem') },
  });
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
});

const dbUrl = (user = 'scheduler', password = 'scheduler') =>
  `mysql://${user}${password ? `:${password}` : ''}@127.0.0.1:${tls.mariadbPort}/${database}`;
const dbTls = () => ({ DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: tls.file('ca.pem') });
const saslSsl = (mechanism: string, user: string, password = `${user}-secret`) => ({
  KAFKA_BROKERS: `127.0.0.1:${tls.kafkaSaslSslPort}`,
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: tls.file('ca.pem'),
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: user,
  KAFKA_SASL_PASSWORD: password,
});

/** What the service does before building the app; resolves with the warnings it logged. */
async function startCheck(env: Record<string, string>): Promise<string[]> {
  warnings.length = 0;
  await checkConnections(loadConfig(env), (m) => warnings.push(m));
  return [...warnings];
}

/** The start-up check fails, quickly, naming `setting`, and without any secret in the message. */
async function refused(env: Record<string, string>, setting: string): Promise<StartupConnectionError> {
  const started = Date.now();
  const error = await startCheck(env).then(
    () => {
      throw new Error(`start-up check passed; expected an error naming ${setting}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StartupConnectionError);
  const e = error as StartupConnectionError;
  expect(e.settings).toContain(setting);
  expect(e.message).toContain(setting);
  expect(Date.now() - started).toBeLessThan(20_000);
  for (const secret of [WRONG, 'scheduler-secret', tls.read('client-key-passphrase').trim()]) {
    expect(e.message).not.toContain(secret);
  }
  expect(e.message).not.toMatch(/-secret\b/);
  return e;
}

describe('Kafka over TLS and SASL', () => {
  it.each([
    ['plain', 'plain-user'],
    ['scram-sha-256', 'scram256-user'],
    ['SCRAM-SHA-512', 'scram512-user'],
  ])(
    'SASL_SSL with %s: the start-up check passes and the client reads the cluster',
    async (mechanism, user) => {
      const env = saslSsl(mechanism, user);
      expect(await startCheck(env)).toEqual([]);
      const admin = createKafkaClient({ ...loadConfig(env).kafka, brokers: [env.KAFKA_BROKERS] }).admin();
      await admin.connect();
      try {
        expect((await admin.describeCluster()).brokers).toHaveLength(1);
      } finally {
        await admin.disconnect();
      }
    },
  );

  it('mutual TLS with an encrypted client key and its passphrase from a file', async () => {
    expect(
      await startCheck({
        KAFKA_BROKERS: `127.0.0.1:${tls.kafkaSslPort}`,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: tls.file('ca.pem'),
        KAFKA_SSL_CERT_FILE: tls.file('client.pem'),
        KAFKA_SSL_KEY_FILE: tls.file('client-encrypted.key'),
        KAFKA_SSL_KEY_PASSWORD_FILE: tls.file('client-key-passphrase'),
      }),
    ).toEqual([]);
  });

  it('wrong password: names the SASL settings', async () => {
    await refused(saslSsl('scram-sha-256', 'scram256-user', WRONG), 'KAFKA_SASL_PASSWORD');
    await refused(saslSsl('plain', 'plain-user', WRONG), 'KAFKA_SASL_PASSWORD');
  });

  it('unknown CA (another CA, or only the system roots): names KAFKA_SSL_CA_FILE', async () => {
    await refused(
      { ...saslSsl('scram-sha-512', 'scram512-user'), KAFKA_SSL_CA_FILE: tls.file('other-ca.pem') },
      'KAFKA_SSL_CA_FILE',
    );
    await refused(
      { ...saslSsl('scram-sha-512', 'scram512-user'), KAFKA_SSL_CA_FILE: '' },
      'KAFKA_SSL_CA_FILE',
    );
  });

  it('plaintext to the TLS listener, and TLS to the plaintext one: names KAFKA_SSL', async () => {
    const {
      KAFKA_SSL: _ssl,
      KAFKA_SSL_CA_FILE: _ca,
      ...plaintext
    } = saslSsl('scram-sha-256', 'scram256-user');
    await refused(plaintext, 'KAFKA_SSL');
    await refused(
      {
        KAFKA_BROKERS: `127.0.0.1:${tls.kafkaPlainPort}`,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: tls.file('ca.pem'),
      },
      'KAFKA_SSL',
    );
  });

  it('TLS without SASL to the SASL_SSL listener: names KAFKA_SASL_MECHANISM', async () => {
    const {
      KAFKA_SASL_MECHANISM: _m,
      KAFKA_SASL_USERNAME: _u,
      KAFKA_SASL_PASSWORD: _p,
      ...tlsOnly
    } = saslSsl('scram-sha-256', 'scram256-user');
    await refused(tlsOnly, 'KAFKA_SASL_MECHANISM');
  });

  it('no client certificate on the mutual-TLS listener: names KAFKA_SSL_CERT_FILE', async () => {
    await refused(
      {
        KAFKA_BROKERS: `127.0.0.1:${tls.kafkaSslPort}`,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: tls.file('ca.pem'),
      },
      'KAFKA_SSL_CERT_FILE',
    );
  });

  it('a broker that is down is a warning, not a start-up error (the consumer retries)', async () => {
    const env = { ...saslSsl('scram-sha-256', 'scram256-user'), KAFKA_BROKERS: '127.0.0.1:1' };
    expect(await startCheck(env)).toEqual([expect.stringContaining('ECONNREFUSED')]);
  });
});

describe('MySQL over TLS (require_secure_transport=ON)', () => {
  async function cipherOf(env: Record<string, string>): Promise<string> {
    const config = loadConfig(env);
    const ds = new DataSource(databaseOptions({ ...config.database, url: env.DATABASE_URL }));
    await ds.initialize();
    try {
      const [row] = (await ds.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as Array<{ Value: string }>;
      return row.Value;
    } finally {
      await ds.destroy();
    }
  }

  it('CA only: the check passes and every connection is encrypted', async () => {
    const env = { DATABASE_URL: dbUrl(), ...dbTls() };
    expect(await startCheck(env)).toEqual([]);
    expect(await cipherOf(env)).not.toBe('');
  });

  it('client certificate (encrypted key) for a REQUIRE X509 account, password from a file', async () => {
    const passwordFile = path.join(mkdtempSync(path.join(tmpdir(), 'tls-')), 'db-password');
    writeFileSync(passwordFile, 'scheduler\n');
    const env = {
      DATABASE_URL: dbUrl('scheduler_x509', ''),
      DATABASE_PASSWORD_FILE: passwordFile,
      ...dbTls(),
      DATABASE_SSL_CERT_FILE: tls.file('client.pem'),
      DATABASE_SSL_KEY_FILE: tls.file('client-encrypted.key'),
      DATABASE_SSL_KEY_PASSWORD_FILE: tls.file('client-key-passphrase'),
    };
    expect(await startCheck(env)).toEqual([]);
    expect(await cipherOf(env)).not.toBe('');
  });

  it('wrong password: names DATABASE_URL (and DATABASE_PASSWORD when that is where it came from)', async () => {
    await refused({ DATABASE_URL: dbUrl('scheduler', WRONG), ...dbTls() }, 'DATABASE_URL');
    await refused(
      { DATABASE_URL: dbUrl('scheduler', ''), DATABASE_PASSWORD: WRONG, ...dbTls() },
      'DATABASE_PASSWORD',
    );
  });

  it('unknown CA: names DATABASE_SSL_CA_FILE', async () => {
    await refused(
      { DATABASE_URL: dbUrl(), DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: tls.file('other-ca.pem') },
      'DATABASE_SSL_CA_FILE',
    );
    await refused({ DATABASE_URL: dbUrl(), DATABASE_SSL: 'true' }, 'DATABASE_SSL_CA_FILE');
  });

  it('plaintext to a server requiring TLS: names DATABASE_SSL', async () => {
    await refused({ DATABASE_URL: dbUrl() }, 'DATABASE_SSL');
  });

  it('no client certificate for a REQUIRE X509 account: names DATABASE_SSL_CERT_FILE', async () => {
    const e = await refused({ DATABASE_URL: dbUrl('scheduler_x509'), ...dbTls() }, 'DATABASE_URL');
    expect(e.message).toContain('DATABASE_SSL_CERT_FILE');
  });
});

describe('certificate files are checked when the settings are read', () => {
  it.each([
    [
      'DATABASE_SSL_CA_FILE',
      () => ({ DATABASE_SSL_CA_FILE: tls.file('client.key') }),
      /not a PEM certificate/,
    ],
    [
      'DATABASE_SSL_KEY_PASSWORD',
      () => ({
        DATABASE_SSL_CERT_FILE: tls.file('client.pem'),
        DATABASE_SSL_KEY_FILE: tls.file('client-encrypted.key'),
        DATABASE_SSL_KEY_PASSWORD: WRONG,
      }),
      /cannot decrypt the key with DATABASE_SSL_KEY_PASSWORD/,
    ],
    [
      'DATABASE_SSL_KEY_FILE',
      () => ({
        DATABASE_SSL_CERT_FILE: tls.file('client.pem'),
        DATABASE_SSL_KEY_FILE: tls.file('server.key'),
      }),
      /does not belong to the certificate/,
    ],
  ])('%s: a wrong file is a config error naming it', (_name, extra, message) => {
    const load = () => loadConfig({ DATABASE_URL: dbUrl(), DATABASE_SSL: 'true', ...extra() });
    expect(load).toThrow(message);
    try {
      load();
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(WRONG);
      expect(String((e as Error).message)).not.toContain('PRIVATE KEY');
    }
  });
});
