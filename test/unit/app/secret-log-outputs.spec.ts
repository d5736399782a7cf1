import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

import { Logger } from '@nestjs/common';
import { logLevel } from 'kafkajs';
import request from 'supertest';

import { createKafkaClient } from '../../../src/app/kafka/kafka-client';
import { kafkaLogCreator } from '../../../src/app/kafka/kafka-log';
import { createAppLogger } from '../../../src/app/logging/logger';
import { type HttpLoggerOptions, loggerParams } from '../../../src/app/logging/logger-params';
import { requestLogging } from '../../../src/app/logging/request-logging';
import { ScrubbingConsoleLogger } from '../../../src/app/logging/scrubbing-console-logger';
import { ConfigError } from '../../../src/app/config/load-config';
import { fatalStartText } from '../../../src/app/startup/fatal-start-text';
import { StartupConnectionError } from '../../../src/app/startup/startup-error';
import { expectNoSecret, leakyText, secretConfig } from '../../support/secret-fixture';
import { createAdminTestApp } from '../admin/admin-app';

// Every way a log line or start-up message leaves the process, each given an error quoting every
// configured secret and a URL with a password: none of them may show one.
const { config, secrets } = secretConfig();
const leaky = (): Error => new Error(leakyText());

function sink(): { stream: Writable; text: () => string; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, text, lines };
}

describe('the app logger', () => {
  it('hides secrets wherever a line carries them: message, format args, err, error, nested fields, bindings', () => {
    const out = sink();
    const logger = createAppLogger('debug', out.stream);
    logger.error(leaky());
    logger.error({ err: leaky() }, 'failed');
    logger.warn({ error: leaky(), detail: { nested: [{ text: leakyText() }] } }, 'nested');
    logger.info(leakyText());
    logger.info('formatted %s and %o', leakyText(), { value: leakyText() });
    logger.child({ context: leakyText() }).debug({ cause: { cause: leaky() } }, 'child');
    expectNoSecret(out.text(), secrets);
    expect(out.lines()).toHaveLength(6); // every line still valid JSON
    expect(out.text()).toContain('mysql://svc:***@db.internal:3306/app');
  });
});

describe('request logging', () => {
  it('hides secrets in the error a failed request is logged with, and in its URL', async () => {
    const out = sink();
    const options = loggerParams({ level: 'info' }, out.stream).pinoHttp as HttpLoggerOptions;
    const middleware = requestLogging(options);
    const server = createServer((req: IncomingMessage, res: ServerResponse & { err?: unknown }) =>
      middleware(req, res, () => {
        if (req.url === '/emits') {
          res.emit('error', leaky());
        } else {
          res.err = leaky();
          res.statusCode = 500;
        }
        res.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const path of ['/emits', '/res-err', `/jobs/${encodeURIComponent(secrets[3])}`])
        await fetch(`${url}${path}`).then((r) => r.arrayBuffer());
      await new Promise((resolve) => setTimeout(resolve, 50)); // the last 'close' listeners
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(out.lines().filter((l) => l.msg === 'request errored')).toHaveLength(3);
    expectNoSecret(out.text(), secrets);
  });
});

describe("Nest's Logger", () => {
  it('through nestjs-pino in the app: messages, errors and stacks', async () => {
    const out = sink();
    const t = await createAdminTestApp({ LOG_LEVEL: 'debug' }, { logDestination: out.stream });
    try {
      const logger = new Logger('leaks');
      logger.error(leaky());
      logger.error(leakyText(), leaky().stack);
      logger.warn(leakyText());
      logger.log({ detail: leakyText() });
      // A request to a path quoting a key is logged (404) without it.
      await request(t.app.getHttpServer()).get(`/v1/jobs/${secrets[3]}`).expect(401);
    } finally {
      await t.app.close();
    }
    expect(out.text()).toContain('leaks');
    expectNoSecret(out.text(), secrets);
  });

  it('on the console before pino takes over (start-up checks) and in the CLI', () => {
    const written: string[] = [];
    const capture = (stream: NodeJS.WriteStream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    const spies = [capture(process.stdout), capture(process.stderr)];
    try {
      for (const json of [false, true]) {
        const logger = new ScrubbingConsoleLogger('startup', { json, colors: false });
        logger.warn(leakyText());
        logger.error(leaky());
        logger.error(leakyText(), leaky().stack);
        logger.log({ detail: leakyText() });
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(written.join('')).toContain('connect failed');
    expectNoSecret(written.join(''), secrets);
  });
});

describe('kafkajs logs', () => {
  it("reach Nest's Logger from the service's kafkajs client (not kafkajs's own console output)", () => {
    const lines: string[] = [];
    const record = (message: unknown, context?: unknown): void => {
      if (context === 'kafkajs') lines.push(String(message));
    };
    Logger.overrideLogger({ log: record, error: record, warn: record, debug: record, verbose: record });
    try {
      // kafkajs warns about its partitioner as soon as a producer is made: a line of its own.
      createKafkaClient({ ...config.kafka, brokers: ['127.0.0.1:1'] }).producer();
    } finally {
      Logger.overrideLogger(new ScrubbingConsoleLogger());
    }
    expect(lines).toEqual([expect.stringContaining('KafkaJS v2.0.0 switched default partitioner')]);
  });

  it.each([logLevel.ERROR, logLevel.WARN, logLevel.INFO, logLevel.DEBUG])(
    'go to the app logger without secrets (level %s)',
    (level) => {
      const lines: string[] = [];
      const record = (text: unknown): number => lines.push(String(text));
      const log = kafkaLogCreator({ error: record, warn: record, log: record, debug: record })(level);
      log({
        namespace: 'Connection',
        level,
        label: 'ERROR',
        log: { timestamp: 'now', message: leakyText(), error: leakyText(), broker: 'kafka:9092' },
      });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('Connection: connect failed');
      expectNoSecret(lines.join(''), secrets);
    },
  );
});

describe('kafkajs log levels', () => {
  const levels = (namespace: string, message: string, level: logLevel): string[] => {
    const seen: string[] = [];
    const sink = {
      error: () => seen.push('error'),
      warn: () => seen.push('warn'),
      log: () => seen.push('log'),
      debug: () => seen.push('debug'),
    };
    kafkaLogCreator(sink)(logLevel.DEBUG)({
      namespace,
      level,
      label: 'ERROR',
      log: { timestamp: 'now', message, broker: 'kafka:9092' },
    });
    return seen;
  };

  it("a broker's error response is a warning: the request's caller decides what it means", () => {
    // What a replica logs when another one created the same topic first (TOPIC_ALREADY_EXISTS).
    expect(levels('Connection', 'Response CreateTopics(key: 19, version: 3)', logLevel.ERROR)).toEqual([
      'warn',
    ]);
    expect(levels('Connection', 'Response Metadata(key: 3, version: 6)', logLevel.ERROR)).toEqual(['warn']);
  });

  it('every other error stays an error', () => {
    expect(levels('Connection', 'Connection error: connect ECONNREFUSED', logLevel.ERROR)).toEqual(['error']);
    expect(levels('Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded', logLevel.ERROR)).toEqual(['error']);
    expect(levels('Connection', 'Response Produce(key: 0, version: 7)', logLevel.WARN)).toEqual(['warn']);
  });
});

describe('a failed start', () => {
  it.each([
    ['a configuration error', new ConfigError([leakyText()])],
    ['a connection error', new StartupConnectionError(['DATABASE_URL'], leakyText())],
    ['anything else, with its stack', leaky()],
    ['a thrown string', leakyText()],
  ])('prints %s without secrets', (_label, error) => {
    const text = fatalStartText(error);
    expect(text).toContain('connect failed');
    expectNoSecret(text, secrets);
  });
});
