import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';

import { ConfigError, loadConfig } from '../../../src/app/config/load-config';
import { databaseOptions } from '../../../src/app/database/database-options';
import { kafkaSecurityOptions } from '../../../src/app/kafka/kafka-client';

const SECRET = 'S3cret-value-never-printed';
const dir = mkdtempSync(path.join(tmpdir(), 'security-config-'));
const file = (name: string, text: string): string => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted the environment');
}

const scram = { KAFKA_BROKERS: 'k:9096', KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'svc' };

describe('Kafka SASL and TLS settings', () => {
  it('reads the SASL password from the environment or from a file (one trailing newline dropped)', () => {
    const fromEnv = loadConfig({ ...scram, KAFKA_SASL_PASSWORD: SECRET });
    const fromFile = loadConfig({ ...scram, KAFKA_SASL_PASSWORD_FILE: file('pw', `${SECRET}\n`) });
    for (const config of [fromEnv, fromFile]) {
      expect(config.kafka.security.sasl?.password.reveal()).toBe(SECRET);
      expect(kafkaSecurityOptions(config.kafka.security).sasl).toEqual({
        mechanism: 'scram-sha-256',
        username: 'svc',
        password: SECRET,
      });
    }
  });

  it('accepts the mechanism in any case, and no TLS unless KAFKA_SSL=true', () => {
    const config = loadConfig({
      ...scram,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_PASSWORD: SECRET,
    });
    expect(config.kafka.security.sasl?.mechanism).toBe('scram-sha-512');
    expect(config.kafka.security.ssl).toBeUndefined();
    expect(kafkaSecurityOptions(config.kafka.security).ssl).toBeUndefined();
  });

  it('TLS: chain and server-name checks on by default; each can be turned off', () => {
    const on = loadConfig({ KAFKA_BROKERS: 'k:9093', KAFKA_SSL: 'true' });
    expect(on.kafka.security.ssl).toMatchObject({ rejectUnauthorized: true, checkHostname: true });
    expect(kafkaSecurityOptions(on.kafka.security).ssl).toEqual(
      expect.not.objectContaining({ checkServerIdentity: expect.anything() }),
    );
    const off = loadConfig({ KAFKA_BROKERS: 'k:9093', KAFKA_SSL: 'true', KAFKA_SSL_CHECK_HOSTNAME: 'false' });
    const ssl = kafkaSecurityOptions(off.kafka.security).ssl as { checkServerIdentity?: () => unknown };
    expect(ssl.checkServerIdentity?.()).toBeUndefined();
  });

  it.each([
    [{ ...scram }, /KAFKA_SASL_PASSWORD \(or KAFKA_SASL_PASSWORD_FILE\) is required/],
    [{ ...scram, KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: SECRET }, /KAFKA_SASL_USERNAME is required/],
    [
      { KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: SECRET },
      /KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD set but KAFKA_SASL_MECHANISM is not/,
    ],
    [{ ...scram, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: SECRET }, /plain.*needs KAFKA_SSL=true/],
    [
      { ...scram, KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_PASSWORD: SECRET },
      /^invalid configuration:\n {2}KAFKA_SASL_MECHANISM=/,
    ],
    [
      { ...scram, KAFKA_SASL_PASSWORD: SECRET, KAFKA_SASL_PASSWORD_FILE: file('pw2', SECRET) },
      /KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set/,
    ],
    [
      { ...scram, KAFKA_SASL_PASSWORD_FILE: path.join(dir, 'missing') },
      /KAFKA_SASL_PASSWORD_FILE=.*missing: cannot read the file \(ENOENT\)/,
    ],
    [
      { ...scram, KAFKA_SASL_PASSWORD_FILE: file('empty', '\n') },
      /KAFKA_SASL_PASSWORD_FILE=.*: the file is empty/,
    ],
    [{ KAFKA_SSL_CA_FILE: file('ca', 'x') }, /KAFKA_SSL_CA_FILE set but KAFKA_SSL is not true/],
    [
      { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: file('not-pem', SECRET) },
      /KAFKA_SSL_CA_FILE=.*: not a PEM certificate/,
    ],
    [
      { KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: file('key', SECRET) },
      /KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together/,
    ],
    [
      { DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: path.join(dir, 'nope') },
      /DATABASE_SSL_CA_FILE=.*: cannot read the file \(ENOENT\)/,
    ],
    [{ DATABASE_SSL_KEY_FILE: file('k2', SECRET) }, /DATABASE_SSL_KEY_FILE set but DATABASE_SSL is not true/],
    [
      { DATABASE_PASSWORD: SECRET, DATABASE_PASSWORD_FILE: file('dbpw', SECRET) },
      /DATABASE_PASSWORD and DATABASE_PASSWORD_FILE are both set/,
    ],
    [
      {
        DATABASE_SSL: 'true',
        DATABASE_SSL_KEY_PASSWORD: SECRET,
        DATABASE_SSL_KEY_FILE: file('k3', SECRET),
        DATABASE_SSL_CERT_FILE: file('c3', 'x'),
      },
      /DATABASE_SSL_KEY_FILE=.*: not a PEM private key/,
    ],
  ])('refuses %p, naming the setting and never printing a secret', (env, expected) => {
    const message = problems(env as Record<string, string>);
    expect(message).toMatch(expected);
    expect(message).not.toContain(SECRET);
  });
});

describe('MySQL settings', () => {
  it('refuses ?options in DATABASE_URL (the driver would ignore them) and points at DATABASE_SSL_*', () => {
    expect(problems({ DATABASE_URL: 'mysql://u:p@db:3306/app?ssl=true' })).toMatch(
      /DATABASE_SSL_\* settings/,
    );
  });

  it('hands mysql2 rejectUnauthorized and verifyIdentity (its server-name check, off unless asked)', () => {
    const url = 'mysql://u@db:3306/app';
    const ssl = (env: Record<string, string>) => {
      const config = loadConfig({ DATABASE_URL: url, DATABASE_SSL: 'true', ...env });
      return (databaseOptions({ ...config.database, url }) as { ssl?: unknown }).ssl;
    };
    expect(ssl({})).toMatchObject({ rejectUnauthorized: true, verifyIdentity: true });
    expect(ssl({ DATABASE_SSL_CHECK_HOSTNAME: 'false' })).toMatchObject({ verifyIdentity: false });
    expect(ssl({ DATABASE_SSL_REJECT_UNAUTHORIZED: 'false' })).toMatchObject({
      rejectUnauthorized: false,
      verifyIdentity: false,
    });
    const plain = loadConfig({ DATABASE_URL: url, DATABASE_PASSWORD: SECRET });
    const options = databaseOptions({ ...plain.database, url }) as { ssl?: unknown; password?: string };
    expect(options.ssl).toBeUndefined();
    expect(options.password).toBe(SECRET);
  });

  it('TLS: rejectUnauthorized and the server-name check on by default', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://u@db:3306/app',
      DATABASE_SSL: 'true',
      DATABASE_PASSWORD: SECRET,
    });
    expect(config.database.security.ssl).toMatchObject({ rejectUnauthorized: true, checkHostname: true });
    expect(config.database.security.password?.reveal()).toBe(SECRET);
  });
});

describe('secrets in the loaded config', () => {
  it('show as [secret] when the config is printed, logged or serialized', () => {
    const config = loadConfig({
      ...scram,
      KAFKA_SASL_PASSWORD: SECRET,
      DATABASE_URL: 'mysql://u@db:3306/app',
      DATABASE_PASSWORD_FILE: file('dbpw2', SECRET),
    });
    for (const text of [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      `${config.kafka.security.sasl?.password}`,
    ]) {
      expect(text).not.toContain(SECRET);
    }
    expect(JSON.stringify(config.kafka.security)).toContain('[secret]');
  });
});

describe('settings without a default', () => {
  it('are read from the environment like the others (the list comes from AppConfig itself)', () => {
    const config = loadConfig({
      ...scram,
      KAFKA_SASL_PASSWORD: SECRET,
      SCHEDULER_REPLICA_ID: 'replica-7',
      HTTP_TARGET_SIGNING_SECRET: 'k'.repeat(32),
    });
    expect(config.kafka.saslUsername).toBe('svc');
    expect(config.kafka.saslMechanism).toBe('scram-sha-256');
    expect(config.scheduler.replicaId).toBe('replica-7');
    expect(config.httpTarget.signingSecret).toBe('k'.repeat(32));
    expect(problems({ DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: path.join(dir, 'absent') })).toMatch(
      /DATABASE_SSL_CA_FILE=/,
    );
  });
});
