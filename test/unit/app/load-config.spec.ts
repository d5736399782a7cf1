import { ensureEmbeddedAdminKey } from '../../../src/app/config/embedded-admin-key';
import { ConfigError, isEmbedded, loadConfig } from '../../../src/app/config/load-config';

describe('loadConfig', () => {
  it('gives typed defaults for an empty environment, in embedded mode', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.ORDER_PAYMENT_TIMEOUT_SECONDS).toBe(1800);
    expect(config.ADMIN_API_KEYS).toEqual([]);
    expect(config.SCHEDULER_REPLICA_ID).toMatch(/-\d+$/);
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
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_RUN_MIGRATIONS).toBe(false);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', 'kafka-2:9092']);
    expect(config.ADMIN_API_KEYS).toHaveLength(2);
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

  it('treats an empty string as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(3000);
  });
});

describe('ensureEmbeddedAdminKey', () => {
  it('makes a key for an embedded run without keys', () => {
    const config = loadConfig({});
    const key = ensureEmbeddedAdminKey(config);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(config.ADMIN_API_KEYS).toEqual([key]);
  });

  it('leaves configured keys and durable runs alone', () => {
    const withKeys = loadConfig({ ADMIN_API_KEYS: 'aaaaaaaaaaaaaaaa' });
    expect(ensureEmbeddedAdminKey(withKeys)).toBeUndefined();
    expect(withKeys.ADMIN_API_KEYS).toEqual(['aaaaaaaaaaaaaaaa']);
    const durable = loadConfig({ DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/db' });
    expect(ensureEmbeddedAdminKey(durable)).toBeUndefined();
    expect(durable.ADMIN_API_KEYS).toEqual([]);
  });
});
