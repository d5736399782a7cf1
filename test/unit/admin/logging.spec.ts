import { Writable } from 'node:stream';

import { createAppLogger } from '../../../src/app/logging/logger';
import { PinoNestLogger } from '../../../src/app/logging/nest-logger';
import { scrubSecrets } from '../../../src/app/logging/redaction';
import { requestContext, requestIdFrom } from '../../../src/app/logging/request-context';

function capture(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createAppLogger(level, sink), lines };
}

describe('logging', () => {
  it('censors API keys, authorization and URL passwords', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { 'x-api-key': 'k-secret', authorization: 'Bearer t' } } }, 'request');
    logger.error({ err: new Error('connect failed mysql://svc:hunter2@db:3306/app') }, 'db down');
    logger.warn('cannot reach mysql://svc:hunter2@db:3306/app');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('k-secret');
    expect(text).not.toContain('Bearer t');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('mysql://svc:***@db:3306/app');
    expect(scrubSecrets('amqp://u:p@h x')).toBe('amqp://u:***@h x');
  });

  it('honours the level and adds the current request id to every line', () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    requestContext.run({ requestId: 'r-1' }, () => logger.warn('shown'));
    expect(lines).toEqual([expect.objectContaining({ msg: 'shown', requestId: 'r-1', level: 40 })]);
  });

  it('routes Nest logger calls to pino with their context', () => {
    const { logger, lines } = capture('debug');
    const nest = new PinoNestLogger(logger);
    nest.log('started', 'Scheduler');
    nest.error('boom', 'stack-here', 'Http');
    nest.debug({ jobId: 'j1' }, 'Jobs');
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'started', context: 'Scheduler', level: 30 }),
      expect.objectContaining({ msg: 'boom', context: 'Http', stack: 'stack-here', level: 50 }),
      expect.objectContaining({ jobId: 'j1', context: 'Jobs', level: 20 }),
    ]);
  });

  it('reuses only plain request ids', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom('has space')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x'.repeat(129))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
