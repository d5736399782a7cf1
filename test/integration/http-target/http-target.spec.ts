import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { AddressPolicy } from '../../../src/http-target/address-policy';
import { ForbiddenAddressError, HttpTargetError } from '../../../src/http-target/errors';
import { createHttpTargetHandler, HTTP_EVENT_KIND } from '../../../src/http-target/http-target-handler';
import { verifySignature } from '../../../src/http-target/signature';
import { createRunContext } from '../../../src/scheduler/handlers';
import { eventIdFor, isRetryableFailure, type Job, type JsonValue } from '../../../src/scheduler';

// The http action against a real HTTP server on loopback (allow-listed, as a team would allow an
// in-cluster receiver), and the address policy refusing the same server when it is not.
const SECRET = 'test-signing-secret-0123456789abcdef';
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('http action against a real HTTP server', () => {
  let server: Server;
  let base: string;
  let received: Received[];
  let respond: (req: IncomingMessage, res: ServerResponse) => void;
  const allowed = createHttpTargetHandler({
    signingSecret: SECRET,
    policy: new AddressPolicy(['127.0.0.1', 'localhost']),
    defaultTimeoutSeconds: 5,
    now: () => NOW,
  });
  const guarded = createHttpTargetHandler({
    signingSecret: SECRET,
    policy: new AddressPolicy([]),
    defaultTimeoutSeconds: 5,
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        respond(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await allowed.close();
    await guarded.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received = [];
    respond = (_req, res) => res.writeHead(204).end();
  });

  const scheduledAt = new Date('2026-12-01T11:59:58.000Z');
  function run(
    handler: typeof allowed,
    args: JsonValue,
    signal = new AbortController().signal,
  ): Promise<void> {
    const job = { id: 'job/ü 1', action: { handler: 'http', args } } as unknown as Job;
    const { context } = createRunContext(job, scheduledAt, new Date(NOW), signal);
    return Promise.resolve(handler.handler(context));
  }
  async function failure(p: Promise<void>): Promise<Error> {
    try {
      await p;
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected the delivery to fail');
  }

  it('delivers a signed JSON body with the run’s idempotency key', async () => {
    await run(allowed, {
      url: `${base}/hooks/order?x=1`,
      method: 'PUT',
      headers: { 'X-Tenant': 'acme' },
      body: { orderId: 'o-1', n: 1 },
    });
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r.method).toBe('PUT');
    expect(r.url).toBe('/hooks/order?x=1');
    expect(r.body).toBe('{"orderId":"o-1","n":1}');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-tenant']).toBe('acme');
    expect(r.headers['idempotency-key']).toBe(eventIdFor('job/ü 1', scheduledAt, HTTP_EVENT_KIND));
    expect(r.headers['x-scheduler-job-id']).toBe(encodeURIComponent('job/ü 1'));
    expect(r.headers['x-scheduler-scheduled-at']).toBe(scheduledAt.toISOString());
    const sig = r.headers['x-delayed-action-signature'] as string;
    expect(sig).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(SECRET, sig, r.body, NOW / 1000)).toBe(true);
    expect(verifySignature(SECRET, sig, r.body + ' ', NOW / 1000)).toBe(false);
  });

  it('sends the same idempotency key on every attempt of one scheduled run', async () => {
    respond = (_req, res) => res.writeHead(503).end('busy');
    for (let i = 0; i < 3; i++) await failure(run(allowed, { url: `${base}/x`, bodyText: 'hi' }));
    expect(new Set(received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(received[0].headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(received[0].body).toBe('hi');
  });

  it.each([
    [500, true],
    [502, true],
    [408, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
    [410, false],
  ])('status %i is a %s failure', async (status, retryable) => {
    respond = (_req, res) => res.writeHead(status).end(`status ${status} from the target`);
    const err = await failure(run(allowed, { url: `${base}/s` }));
    expect(err).toBeInstanceOf(HttpTargetError);
    expect((err as HttpTargetError).status).toBe(status);
    expect(isRetryableFailure(err)).toBe(retryable);
    expect(err.message).toContain(`status ${status} from the target`);
  });

  it('honours successStatuses and retryStatuses', async () => {
    respond = (_req, res) => res.writeHead(409).end();
    await expect(run(allowed, { url: `${base}/c`, successStatuses: [200, 409] })).resolves.toBeUndefined();
    const err = await failure(run(allowed, { url: `${base}/c`, retryStatuses: [409] }));
    expect(isRetryableFailure(err)).toBe(true);
    respond = (_req, res) => res.writeHead(200).end();
    expect(
      isRetryableFailure(await failure(run(allowed, { url: `${base}/c`, successStatuses: [204] }))),
    ).toBe(false);
  });

  it('does not follow a redirect, even to an allowed host', async () => {
    respond = (_req, res) => res.writeHead(302, { location: 'http://10.0.0.1/internal' }).end();
    const err = await failure(run(allowed, { url: `${base}/r` }));
    expect(err).toBeInstanceOf(HttpTargetError);
    expect(err.message).toContain('not followed');
    expect(isRetryableFailure(err)).toBe(false);
    expect(received).toHaveLength(1);
  });

  it('gives up on a target that does not answer within the timeout (retryable)', async () => {
    respond = () => undefined; // never answers
    const started = Date.now();
    const err = await failure(run(allowed, { url: `${base}/slow`, timeoutSeconds: 0.3 }));
    expect(err).toBeInstanceOf(HttpTargetError);
    expect(err.message).toContain('did not answer within 300 ms');
    expect(isRetryableFailure(err)).toBe(true);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('stops when the run is aborted, with the abort’s reason', async () => {
    respond = () => undefined;
    const abort = new AbortController();
    const p = failure(run(allowed, { url: `${base}/slow` }, abort.signal));
    const reason = new Error('shutdown');
    setTimeout(() => abort.abort(reason), 50);
    expect(await p).toBe(reason);
  });

  it.each(['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]'])(
    'refuses %s when it is not allow-listed, sending nothing',
    async (host) => {
      const port = new URL(base).port;
      const err = await failure(run(guarded, { url: `http://${host}:${port}/x` }));
      expect(err).toBeInstanceOf(ForbiddenAddressError);
      expect(isRetryableFailure(err)).toBe(false);
      expect(received).toHaveLength(0);
    },
  );
});
