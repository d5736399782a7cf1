import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

import { pinoHttp } from 'pino-http';

import { type HttpLoggerOptions, loggerParams } from '../../../src/app/logging/logger-params';
import { requestLogging } from '../../../src/app/logging/request-logging';

/**
 * requestLogging against pino-http, whose lines it keeps: the same requests through each (same
 * settings: loggerParams) must write the same lines, apart from the time fields, at every level.
 */

type Line = Record<string, unknown>;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: (e?: unknown) => void) => void;

function sink(): { stream: Writable; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  return { stream, lines };
}

/** A server answering by path: /ok 200, /missing 404, /broken 500, /fails emits an error, /health/live (ignored). */
async function serve(middleware: Middleware): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    middleware(req, res, () => {
      (req as IncomingMessage & { log: { info(o: object, m: string): void } }).log.info(
        { inHandler: true },
        'handled',
      );
      const path = req.url ?? '/';
      if (path.startsWith('/fails')) {
        res.emit('error', new Error('socket gone'));
        res.statusCode = 502;
        res.end();
        return;
      }
      res.statusCode =
        path.startsWith('/ok') || path.startsWith('/health') ? 200 : path.startsWith('/missing') ? 404 : 500;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const PATHS = ['/ok?password=secret', '/missing', '/broken', '/fails', '/health/live'];

async function linesOf(level: string, make: (o: HttpLoggerOptions) => Middleware): Promise<Line[]> {
  const out = sink();
  const options = loggerParams({ level }, out.stream).pinoHttp as HttpLoggerOptions;
  const { server, url } = await serve(make(options));
  try {
    for (const [i, path] of PATHS.entries())
      await fetch(`${url}${path}`, {
        headers: { 'x-api-key': 'k-secret', 'x-request-id': `req-${i}`, authorization: 'Bearer t' },
      }).then((r) => r.arrayBuffer());
    await new Promise((resolve) => setTimeout(resolve, 50)); // the last 'close' listeners
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  // Times, the server's port (host header, remote port) and stack traces differ run to run.
  return out.lines.map((l) => {
    const {
      time: _t,
      responseTime,
      req,
      err,
      ...rest
    } = l as Line & {
      req?: Line & { headers: Line };
      err?: Line;
    };
    const out: Line = { ...rest };
    if (req) {
      const { remotePort: _p, headers, ...r } = req;
      const { host: _h, ...h } = headers;
      out.req = { ...r, headers: h };
    }
    if (err) out.err = { ...err, stack: typeof err.stack };
    if (responseTime !== undefined) out.responseTime = typeof responseTime;
    return out;
  });
}

describe('requestLogging', () => {
  it.each(['debug', 'info', 'warn', 'error', 'silent'])(
    'writes the lines pino-http writes at LOG_LEVEL=%s',
    async (level) => {
      const ours = await linesOf(level, (o) => requestLogging(o));
      const theirs = await linesOf(level, (o) => pinoHttp(o) as unknown as Middleware);
      expect(ours).toEqual(theirs);
      if (level === 'info') {
        expect(ours.map((l) => l.msg)).toEqual(
          expect.arrayContaining(['request completed', 'request errored', 'handled']),
        );
        expect(ours.filter((l) => l.msg === 'request completed' || l.msg === 'request errored')).toHaveLength(
          4,
        );
      }
      expect(JSON.stringify(ours)).not.toMatch(/k-secret|Bearer t/);
    },
  );
});
