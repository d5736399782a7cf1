import { ConfigError, loadConfig } from '../../../src/app/config/load-config';

// Settings validated at start-up: retention (and the duplicate window it must not undercut), and
// the Kafka consumer timing pair.

const problemsOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
};

describe('retention settings', () => {
  it('have defaults that keep a month of history and orders, and a week of commands', () => {
    const c = loadConfig({});
    expect({
      window: c.retention.duplicateWindowDays,
      runs: c.retention.runHistoryDays,
      keepLast: c.retention.runHistoryKeepLast,
      orders: c.retention.orderStatesDays,
      commands: c.retention.processedCommandsDays,
      batch: c.retention.batchSize,
      pause: c.retention.batchPauseMs,
      interval: c.retention.intervalSeconds,
    }).toEqual({
      window: 7,
      runs: 30,
      keepLast: 100,
      orders: 30,
      commands: 7,
      batch: 500,
      pause: 50,
      interval: 600,
    });
  });

  it('parse from the environment, 0 days meaning keep forever', () => {
    const c = loadConfig({
      RETENTION_RUN_HISTORY_DAYS: '0',
      RETENTION_RUN_HISTORY_KEEP_LAST: '5',
      RETENTION_ORDER_STATES_DAYS: '0',
      RETENTION_PROCESSED_COMMANDS_DAYS: '0',
      RETENTION_BATCH_SIZE: '1000',
      RETENTION_BATCH_PAUSE_MS: '0',
      RETENTION_INTERVAL_SECONDS: '60',
    });
    expect(c.retention.runHistoryDays).toBe(0);
    expect(c.retention.runHistoryKeepLast).toBe(5);
    expect(c.retention.batchSize).toBe(1000);
    expect(c.retention.batchPauseMs).toBe(0);
    expect(c.retention.intervalSeconds).toBe(60);
  });

  it.each([
    ['RETENTION_RUN_HISTORY_DAYS', '-1'],
    ['RETENTION_RUN_HISTORY_DAYS', '1.5'],
    ['RETENTION_RUN_HISTORY_DAYS', 'month'],
    ['RETENTION_RUN_HISTORY_KEEP_LAST', '-1'],
    ['RETENTION_ORDER_STATES_DAYS', '3651'],
    ['RETENTION_PROCESSED_COMMANDS_DAYS', 'x'],
    ['RETENTION_BATCH_SIZE', '0'],
    ['RETENTION_BATCH_SIZE', '10001'],
    ['RETENTION_BATCH_PAUSE_MS', '-5'],
    ['RETENTION_BATCH_PAUSE_MS', '60001'],
    ['RETENTION_INTERVAL_SECONDS', '9'],
    ['INBOUND_DUPLICATE_WINDOW_DAYS', '0'],
  ])('refuse %s=%s naming the variable', (name, value) => {
    expect(problemsOf({ [name]: value })).toMatch(new RegExp(`^invalid configuration:\\n  ${name}=`));
  });

  const windowOf10 = {
    INBOUND_DUPLICATE_WINDOW_DAYS: '10',
    RETENTION_ORDER_STATES_DAYS: '30',
    RETENTION_PROCESSED_COMMANDS_DAYS: '30',
  };

  it.each(['RETENTION_ORDER_STATES_DAYS', 'RETENTION_PROCESSED_COMMANDS_DAYS'])(
    'refuse %s shorter than the duplicate window (a redelivery would apply twice)',
    (name) => {
      expect(problemsOf({ ...windowOf10, [name]: '9' })).toBe(
        `invalid configuration:\n  ${name} (9) must be 0 (keep forever) or at least INBOUND_DUPLICATE_WINDOW_DAYS (10)`,
      );
      expect(problemsOf({ ...windowOf10, [name]: '10' })).toBe('');
      expect(problemsOf({ ...windowOf10, [name]: '0' })).toBe('');
    },
  );

  it('name both tables when both undercut the window', () => {
    const message = problemsOf({ RETENTION_ORDER_STATES_DAYS: '2', RETENTION_PROCESSED_COMMANDS_DAYS: '3' });
    expect(message).toMatch(/RETENTION_ORDER_STATES_DAYS \(2\)/);
    expect(message).toMatch(/RETENTION_PROCESSED_COMMANDS_DAYS \(3\)/);
  });

  it('leave run history free of the window (it decides no duplicates)', () => {
    expect(
      problemsOf({
        RETENTION_RUN_HISTORY_DAYS: '1',
        INBOUND_DUPLICATE_WINDOW_DAYS: '30',
        RETENTION_ORDER_STATES_DAYS: '30',
        RETENTION_PROCESSED_COMMANDS_DAYS: '30',
      }),
    ).toBe('');
  });
});

describe('KAFKA_SESSION_TIMEOUT_MS and KAFKA_HEARTBEAT_INTERVAL_MS', () => {
  it('default to 10 s and 3 s', () => {
    const c = loadConfig({});
    expect([c.kafka.sessionTimeoutMs, c.kafka.heartbeatIntervalMs]).toEqual([10_000, 3000]);
  });

  it('accept a heartbeat of exactly a third of the session', () => {
    const c = loadConfig({ KAFKA_SESSION_TIMEOUT_MS: '9000', KAFKA_HEARTBEAT_INTERVAL_MS: '3000' });
    expect([c.kafka.sessionTimeoutMs, c.kafka.heartbeatIntervalMs]).toEqual([9000, 3000]);
  });

  it.each([
    ['10000', '3334'],
    ['10000', '10000'],
    ['10000', '20000'],
    ['6000', '2001'],
  ])(
    'refuse session %s ms with a heartbeat of %s ms (more than a third), naming both',
    (session, heartbeat) => {
      expect(problemsOf({ KAFKA_SESSION_TIMEOUT_MS: session, KAFKA_HEARTBEAT_INTERVAL_MS: heartbeat })).toBe(
        `invalid configuration:\n  KAFKA_HEARTBEAT_INTERVAL_MS (${heartbeat}) must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${session})`,
      );
    },
  );

  it('refuse a heartbeat above a default session when only the heartbeat is set', () => {
    expect(problemsOf({ KAFKA_HEARTBEAT_INTERVAL_MS: '4000' })).toMatch(
      /KAFKA_HEARTBEAT_INTERVAL_MS \(4000\).*\(10000\)/,
    );
  });

  it.each([
    ['KAFKA_SESSION_TIMEOUT_MS', '5999'],
    ['KAFKA_SESSION_TIMEOUT_MS', '300001'],
    ['KAFKA_SESSION_TIMEOUT_MS', '10s'],
    ['KAFKA_HEARTBEAT_INTERVAL_MS', '99'],
    ['KAFKA_HEARTBEAT_INTERVAL_MS', '100001'],
    ['KAFKA_HEARTBEAT_INTERVAL_MS', '1.5'],
  ])('refuse %s=%s naming the variable', (name, value) => {
    expect(problemsOf({ [name]: value })).toMatch(new RegExp(`^invalid configuration:\\n  ${name}=`));
  });
});
