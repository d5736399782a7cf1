import { ConfigError, isEmbedded, loadConfig } from '../../../src/app/config/load-config';

const DATABASE_URL = 'mysql://u:p@db:3306/scheduler';
const KAFKA_BROKERS = 'kafka:9092';

describe('NODE_ENV=production without durable storage', () => {
  it.each([
    [
      {},
      /^invalid configuration:\n {2}DATABASE_URL and KAFKA_BROKERS unset with NODE_ENV=production: jobs and events/,
    ],
    [
      { KAFKA_BROKERS },
      /^invalid configuration:\n {2}DATABASE_URL unset with NODE_ENV=production: jobs would/,
    ],
    [
      { DATABASE_URL },
      /^invalid configuration:\n {2}KAFKA_BROKERS unset with NODE_ENV=production: events would/,
    ],
  ])('refuses to start with %j, naming what is missing and how to allow it', (env, message) => {
    const load = () => loadConfig({ NODE_ENV: 'production', ...env });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
    expect(load).toThrow(/lost on every restart; set it, or set ALLOW_EMBEDDED_IN_PRODUCTION=true/);
  });

  it('starts embedded when ALLOW_EMBEDDED_IN_PRODUCTION=true says so', () => {
    const config = loadConfig({ NODE_ENV: 'production', ALLOW_EMBEDDED_IN_PRODUCTION: 'true' });
    expect(isEmbedded(config)).toBe(true);
  });

  it('starts with both set, and outside production without either', () => {
    expect(isEmbedded(loadConfig({ NODE_ENV: 'production', DATABASE_URL, KAFKA_BROKERS }))).toBe(false);
    expect(isEmbedded(loadConfig({ NODE_ENV: 'development' }))).toBe(true);
    expect(isEmbedded(loadConfig({ NODE_ENV: 'test' }))).toBe(true);
  });

  it('reports bad values first (ALLOW_EMBEDDED_IN_PRODUCTION itself is validated)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ALLOW_EMBEDDED_IN_PRODUCTION: 'yes' })).toThrow(
      /^invalid configuration:\n {2}ALLOW_EMBEDDED_IN_PRODUCTION="yes"/,
    );
  });
});
