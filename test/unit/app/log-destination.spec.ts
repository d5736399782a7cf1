import { Writable } from 'node:stream';

import { loadConfig } from '../../../src/app/config/load-config';
import { logDestination } from '../../../src/app/logging/log-destination';
import { createAppLogger } from '../../../src/app/logging/logger';

describe('log destination', () => {
  it.each([
    // [LOG_PRETTY, NODE_ENV, stdout is a TTY, pretty?]
    [undefined, 'development', true, true],
    [undefined, 'development', false, false],
    [undefined, 'production', true, false],
    ['true', 'production', false, true],
    ['false', 'development', true, false],
  ])('LOG_PRETTY=%s NODE_ENV=%s tty=%s: pretty %s', (pretty, nodeEnv, tty, expected) => {
    const config = loadConfig({
      NODE_ENV: nodeEnv as string,
      ALLOW_EMBEDDED_IN_PRODUCTION: 'true',
      ...(pretty ? { LOG_PRETTY: pretty } : {}),
    });
    expect(logDestination(config, tty) !== undefined).toBe(expected);
  });

  it('pretty lines are for people (no JSON), still censored', () => {
    const chunks: string[] = [];
    const output = new Writable({
      write(chunk, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const destination = logDestination(loadConfig({ LOG_PRETTY: 'true' }), false, output);
    const logger = createAppLogger('info', destination);
    logger.info({ req: { headers: { 'x-api-key': 'k-secret' } } }, 'hello mysql://u:hunter2@db/x');
    const text = chunks.join('');
    expect(text).toMatch(/INFO.*hello mysql:\/\/u:\*\*\*@db\/x/);
    expect(() => JSON.parse(text)).toThrow();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('k-secret');
  });
});
