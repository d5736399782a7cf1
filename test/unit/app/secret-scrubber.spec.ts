import { loadConfig } from '../../../src/app/config/load-config';
import { SourceReader } from '../../../src/app/config/secret-sources';
import { configuredSecretValues } from '../../../src/app/config/secret-values';
import { settingCatalog } from '../../../src/app/config/settings-catalog';
import {
  MIN_SECRET_LENGTH,
  registerSecretValues,
  scrubJsonLine,
  scrubSecrets,
} from '../../../src/app/logging/secret-scrubber';
import { describeError, hideUrlCredentials } from '../../../src/scheduler';
import { expectNoSecret, leakyText, SECRET_ENV, secretConfig } from '../../support/secret-fixture';

// The scrubber itself: which values it hides, and that it keeps JSON lines valid.
const { config, secrets } = secretConfig();

describe('configured secret values', () => {
  it('the fixture sets every secret setting of the catalog (a new one must be added there)', () => {
    const secretSettings = settingCatalog().filter((entry) => entry.secret);
    expect(secretSettings.map((entry) => entry.name).filter((name) => !(name in SECRET_ENV))).toEqual([]);
  });

  it('are each secret setting, the passwords read beside them and the private keys; a URL by its password', () => {
    const values = configuredSecretValues(config);
    expect(values).toEqual(expect.arrayContaining(secrets.filter((s) => s !== 'stray-url-password')));
    expect(values).not.toContain(SECRET_ENV.DATABASE_URL);
  });

  it('include every secret read from the environment or a file (a key passphrase too) as soon as it is read', () => {
    const passphrase = 'key-passphrase-never-shown';
    new SourceReader({ KAFKA_SSL_KEY_PASSWORD: passphrase }).secret('KAFKA_SSL_KEY_PASSWORD');
    expect(scrubSecrets(`bad decrypt with ${passphrase}`)).toBe('bad decrypt with [REDACTED]');
  });

  it('leave out a URL password equal to its user name, and URLs without a password', () => {
    for (const url of ['mysql://scheduler:scheduler@db:3306/x', 'mysql://scheduler@db:3306/x'])
      expect(configuredSecretValues(loadConfig({ DATABASE_URL: url }))).toEqual([]);
    const encoded = loadConfig({ DATABASE_URL: 'mysql://u:p%40ss%3Aword@db:3306/x' });
    expect(configuredSecretValues(encoded)).toEqual(['p%40ss%3Aword', 'p@ss:word']);
  });
});

describe('scrubSecrets', () => {
  it('hides every configured value and any URL password, keeping the rest of the text', () => {
    const text = scrubSecrets(leakyText());
    expectNoSecret(text, secrets);
    expect(text).toContain('mysql://svc:***@db.internal:3306/app');
    expect(text).toContain('amqp://guest:***@rabbit:5672/vhost');
    expect(text).toContain('sasl [REDACTED]');
  });

  it('takes linear time on text built to make a URL pattern backtrack', () => {
    const hostile = `${'a.'.repeat(200_000)} ${'a://b:'.repeat(50_000)} ${'x://'.repeat(50_000)}`;
    const started = Date.now();
    scrubSecrets(hostile);
    expect(Date.now() - started).toBeLessThan(1000); // quadratic: minutes
  });

  it(`ignores values shorter than ${MIN_SECRET_LENGTH} characters, so ordinary words survive`, () => {
    registerSecretValues(['job', 'short77']);
    expect(scrubSecrets('job short77 failed')).toBe('job short77 failed');
  });

  it('hides a longer secret whole when a shorter one is part of it', () => {
    registerSecretValues(['inner-secret', 'outer-inner-secret-x']);
    expect(scrubSecrets('a outer-inner-secret-x b inner-secret')).toBe('a [REDACTED] b [REDACTED]');
  });
});

describe('scrubJsonLine', () => {
  it('hides secrets in every string of a line, at any depth, and the line stays the same JSON otherwise', () => {
    const line = `${JSON.stringify({
      msg: leakyText(),
      err: { message: leakyText(), nested: [{ deep: { deeper: leakyText() } }] },
      [SECRET_ENV.KAFKA_SASL_PASSWORD]: 1,
      n: 12345678,
    })}\n`;
    const scrubbed = scrubJsonLine(line);
    expectNoSecret(scrubbed, secrets);
    expect(scrubbed.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(scrubbed) as {
      err: { nested: Array<{ deep: { deeper: string } }> };
      n: number;
    };
    expect(parsed.err.nested[0].deep.deeper).toBe(scrubSecrets(leakyText()));
    expect(parsed.n).toBe(12345678);
  });

  it('returns the very line when it holds nothing to hide', () => {
    const line = '{"level":30,"msg":"job added \\"x\\"","url":"/v1/jobs"}\n';
    expect(scrubJsonLine(line)).toBe(line);
  });
});

describe('the engine', () => {
  it('records error text through its scrubber; by default URL passwords are hidden', () => {
    expect(describeError(new TypeError(`boom ${SECRET_ENV.DATABASE_URL}`))).toBe(
      'TypeError: boom mysql://svc:***@db.internal:3306/app',
    );
    expect(hideUrlCredentials('x https://a:b@c/d')).toBe('x https://a:***@c/d');
    expect(describeError('plain', (t) => t.toUpperCase())).toBe('PLAIN');
  });
});
