import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ensureEmbeddedAdminKey } from '../../../src/app/config/embedded-admin-key';
import { ConfigError, isEmbedded, loadConfig } from '../../../src/app/config/load-config';
import { settingCatalog, settingNames } from '../../../src/app/config/settings-catalog';

describe('loadConfig', () => {
  it('gives typed defaults for an empty environment, in embedded mode', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.orders.paymentTimeoutSeconds).toBe(1800);
    expect(config.admin.apiKeys).toEqual([]);
    expect(config.scheduler.replicaId).toMatch(/-\d+$/);
    expect(isEmbedded(config)).toBe(true);
  });

  it('parses numbers, booleans and lists from strings', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/orders',
      DATABASE_RUN_MIGRATIONS: 'false',
      KAFKA_BROKERS: '127.0.0.1:9092, kafka-2:9092',
      ADMIN_API_KEYS: 'aaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbb',
    });
    expect(config.http.port).toBe(8080);
    expect(config.database.runMigrations).toBe(false);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092', 'kafka-2:9092']);
    expect(config.admin.apiKeys).toHaveLength(2);
    expect(isEmbedded(config)).toBe(false);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'postgres://x@y/z'],
    ['KAFKA_BROKERS', 'no-port-here'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_RUN_MIGRATIONS', 'maybe'],
    ['ADMIN_API_KEYS', 'short'],
    ['SCHEDULER_LEASE_SECONDS', '1'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(
      new RegExp(`^invalid configuration:\\n  ${name}[= ]`),
    );
  });

  it('reads each variable into its group once, and .env.example lists every one', () => {
    const names = settingNames();
    expect(new Set(names).size).toBe(names.length);
    const groups = new Set(settingCatalog().map((entry) => entry.group));
    for (const group of ['database', 'kafka', 'scheduler', 'admin']) expect(groups).toContain(group);
    const example = readFileSync(path.join(__dirname, '../../../.env.example'), 'utf8');
    const listed = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(names.filter((name) => !listed.includes(name))).toEqual([]);
    // Besides the settings: secrets read as NAME or NAME_FILE (security.ts).
    const secretsRead = ['DATABASE_PASSWORD', 'KAFKA_SASL_PASSWORD'].flatMap((n) => [n, `${n}_FILE`]);
    expect(listed.filter((name) => !names.includes(name) && !secretsRead.includes(name))).toEqual([]);
    // Every non-secret default in .env.example is the default loadConfig gives.
    const defaults = loadConfig({ NODE_ENV: 'test' });
    for (const { name, group, property } of settingCatalog()) {
      const line = new RegExp(`^${name}=(.+)$`, 'm').exec(example);
      if (!line || ['DATABASE_URL', 'KAFKA_BROKERS', 'NODE_ENV'].includes(name)) continue;
      const value: unknown = (defaults[group] as unknown as Record<string, unknown>)[property];
      expect(`${name}=${Array.isArray(value) ? value.join(',') : String(value)}`).toBe(`${name}=${line[1]}`);
    }
  });

  it('treats an empty string as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).http.port).toBe(3000);
  });
});

describe('ensureEmbeddedAdminKey', () => {
  it('makes a key for an embedded run without keys', () => {
    const config = loadConfig({});
    const key = ensureEmbeddedAdminKey(config);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(config.admin.apiKeys).toEqual([key]);
  });

  it('leaves configured keys and durable runs alone', () => {
    const withKeys = loadConfig({ ADMIN_API_KEYS: 'aaaaaaaaaaaaaaaa' });
    expect(ensureEmbeddedAdminKey(withKeys)).toBeUndefined();
    expect(withKeys.admin.apiKeys).toEqual(['aaaaaaaaaaaaaaaa']);
    const durable = loadConfig({ DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/db' });
    expect(ensureEmbeddedAdminKey(durable)).toBeUndefined();
    expect(durable.admin.apiKeys).toEqual([]);
  });
});
