import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';

import { AppConfig } from '../../../src/app/config/app-config';
import { ConfigError, describeConfigProblem, loadConfig } from '../../../src/app/config/load-config';
import { declaredSecrets, looksSecret } from '../../../src/app/config/secret-settings';
import { isSecretSetting, settingCatalog, settingGroups } from '../../../src/app/config/settings-catalog';
import { createAppLogger } from '../../../src/app/logging/logger';
import { type HttpLoggerOptions, loggerParams } from '../../../src/app/logging/logger-params';
import { REDACT_PATHS, redactUrl } from '../../../src/app/logging/redaction';

// No secret in any output: configuration errors and log lines, for every secret setting.

/** Every setting that holds a secret: declared with @SecretSetting(), or secret by its name. */
const SECRET_ENTRIES = settingCatalog().filter((entry) => entry.secret);
const SECRET_SETTINGS = SECRET_ENTRIES.map((entry) => entry.name);
const isDeclared = (group: string, property: string): boolean =>
  settingGroups().some(
    ([name, groupClass]) => name === group && declaredSecrets(groupClass).includes(property),
  );

function captureLogs() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { sink, logger: createAppLogger('info', sink), text: () => lines.join('') };
}

describe('secret settings', () => {
  it('are declared once, and the known ones are among them', () => {
    expect(SECRET_SETTINGS).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'ADMIN_API_KEYS', 'HTTP_TARGET_SIGNING_SECRET']),
    );
    // A setting whose name says it is secret must say so with @SecretSetting() too (one source of truth).
    const undeclared = settingCatalog().filter(
      (entry) => looksSecret(entry.name) && !isDeclared(entry.group, entry.property),
    );
    expect(undeclared).toEqual([]);
  });

  it('a future secret-looking setting is hidden even before anyone declares it', () => {
    for (const name of [
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SSL_KEY',
      'SOME_API_TOKEN',
      'REDIS_URL',
      'X_CREDENTIALS',
    ])
      expect(isSecretSetting(name)).toBe(true);
    expect(isSecretSetting('PORT')).toBe(false);
  });

  it.each(SECRET_SETTINGS)(
    'a configuration error about %s names it and the rule, never the value',
    (name) => {
      const value = 'zq7-SECRET-VALUE-zq7';
      const text = describeConfigProblem({
        property: name,
        value,
        constraints: { rule: 'must follow the rule' },
        children: [],
      });
      expect(text).toContain(name);
      expect(text).toContain('must follow the rule');
      expect(text).not.toContain('zq7');
    },
  );

  it.each([
    ['DATABASE_URL', 'mysql://svc:hunter2-zq7@db:3306/bad-name!', ['hunter2', 'zq7']],
    ['DATABASE_URL', 'postgres://svc:hunter2-zq7@db/app', ['hunter2', 'zq7']],
    ['ADMIN_API_KEYS', 'first-long-key-zq7-0123456789,short-zq7', ['first-long-key', 'short-zq7', 'zq7']],
    ['HTTP_TARGET_SIGNING_SECRET', 'too-short-zq7', ['too-short', 'zq7']],
  ])('loadConfig refuses a bad %s without printing it', (name, value, fragments) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
    expect(text).toContain(name);
    for (const fragment of fragments) expect(text).not.toContain(fragment);
  });

  it('still shows the value of a setting that is not secret', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL="loud"/);
  });

  it('a logged config object, or a secret setting at top level, is censored for every secret', () => {
    const { logger, text } = captureLogs();
    const config = new AppConfig();
    for (const { group, property, name } of SECRET_ENTRIES) {
      Object.assign(config[group], { [property]: `zq7-${name}` });
    }
    logger.info({ config }, 'configuration');
    for (const { group } of SECRET_ENTRIES) logger.info({ [group]: config[group] }, 'one group');
    logger.info(Object.fromEntries(SECRET_SETTINGS.map((n) => [n, `zq7-${n}`])), 'top level');
    expect(text()).not.toContain('zq7');
    for (const { group, property } of SECRET_ENTRIES) {
      expect(REDACT_PATHS).toContain(`config.${group}.${property}`);
    }
  });
});

describe('request logs', () => {
  it('redact credential-looking query parameters and keep the rest', () => {
    expect(redactUrl('/v1/jobs?limit=5&x-api-key=abc&apiKey=d&token=e&sig=f&password=g&q=h')).toBe(
      '/v1/jobs?limit=5&x-api-key=[REDACTED]&apiKey=[REDACTED]&token=[REDACTED]&sig=[REDACTED]&password=[REDACTED]&q=h',
    );
    expect(redactUrl('/v1/jobs?x%2Dapi%2Dkey=abc')).toBe('/v1/jobs?x%2Dapi%2Dkey=[REDACTED]');
    expect(redactUrl('/v1/jobs')).toBe('/v1/jobs');
  });

  it('an API key sent in a query string or a header never reaches the log, over real HTTP', async () => {
    const { sink, text } = captureLogs();
    // The request logger the app mounts: nestjs-pino's pino-http settings.
    const log = pinoHttp(loggerParams({ level: 'info' }, sink).pinoHttp as HttpLoggerOptions);
    const server: Server = createServer((req, res) => {
      log(req, res);
      res.writeHead(401).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const query = 'x-api-key=zq7-one&api_key=zq7-two&apikey=zq7-three&access_token=zq7-four&limit=5';
      await fetch(`http://127.0.0.1:${port}/v1/jobs?${query}`, { headers: { 'x-api-key': 'zq7-header' } });
      await fetch(`http://127.0.0.1:${port}/V1/JOBS/?KEY=zq7-five`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const logged = text();
    expect(logged).toContain('limit=5');
    expect(logged).toContain('/V1/JOBS/');
    expect(logged).not.toContain('zq7');
  });
});
