// Hostile request bodies on every route that takes one, shared by the embedded (unit) and MySQL
// (integration) runs so both modes answer identically.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { listenLocally, probe, registeredRoutes, type RegisteredRoute } from './route-access';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

const nestedArrays = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** A valid job whose args carry `argsJson` (raw JSON text) under `deep`. */
const jobWithArgs = (id: string, argsJson: string): string =>
  `{"id":"${id}","trigger":{"type":"interval","hours":1},"action":{"handler":"publish","args":{"topic":"t","value":{"deep":${argsJson}}}}}`;

export function hostileBodySuite(
  boot: (env: Record<string, string>) => Promise<INestApplication>,
  apiKey: string,
): void {
  let app: INestApplication;
  let base: string;
  let bodyRoutes: RegisteredRoute[];
  const key = { 'x-api-key': apiKey };
  const send = (route: RegisteredRoute) =>
    request(base)[route.method.toLowerCase() as 'post' | 'put' | 'patch'](route.path).set(key);

  beforeAll(async () => {
    app = await boot({
      ADMIN_RATE_LIMIT_PER_MINUTE: '1000000',
      HTTP_MAX_BODY_BYTES: '8192',
      MAX_MESSAGE_BYTES: '2048',
    });
    base = await listenLocally(app);
    bodyRoutes = registeredRoutes(app).filter((r) => BODY_METHODS.has(r.method));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('finds the routes that take a body from the router', () => {
    expect(bodyRoutes.map((r) => `${r.method} ${r.pattern}`)).toEqual(
      expect.arrayContaining(['POST /v1/jobs', 'PATCH /v1/jobs/:id', 'POST /v1/triggers/preview']),
    );
  });

  const notJson: Array<[string, string, string]> = [
    [
      'a cross-site form (nested trigger[type])',
      'application/x-www-form-urlencoded',
      'id=f&trigger[type]=interval&trigger[hours]=1&action[handler]=publish',
    ],
    [
      'multipart form data',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="id"\r\n\r\nf\r\n--x--\r\n',
    ],
    ['text/plain (the other form enctype)', 'text/plain', '{"id":"f"}'],
    ['XML', 'application/xml', '<job id="f"/>'],
    ['a lookalike media type', 'application/jsonx', '{"id":"f"}'],
  ];

  it.each(notJson)('refuses %s with 415 on every route that takes a body', async (_label, type, body) => {
    const failures: string[] = [];
    for (const route of bodyRoutes) {
      const res = await send(route).set('content-type', type).send(body);
      if (res.status !== 415 || res.body.code !== 'UNSUPPORTED_MEDIA_TYPE')
        failures.push(`${route.method} ${route.path}: ${res.status} ${res.body.code}`);
    }
    expect(failures).toEqual([]);
    const jobs = await request(base).get('/v1/jobs').set(key).expect(200);
    expect(jobs.body.items.map((j: { id: string }) => j.id)).not.toContain('f');
  });

  it('refuses a body without a content-type with 415', async () => {
    const res = await request(base)
      .post('/v1/jobs')
      .set(key)
      .set('content-type', '')
      .send(Buffer.from('{"id":"f"}'));
    expect(res.status).toBe(415);
  });

  it.each([
    ['21 levels', 21],
    ['1,500 levels', 1500],
  ])('answers JSON nested %s on every body route with 400 naming the field, never 500', async (_l, depth) => {
    const failures: string[] = [];
    for (const route of bodyRoutes) {
      const res = await send(route)
        .set('content-type', 'application/json')
        .send(`{"field":${nestedArrays(depth)}}`);
      const field = res.body.errors?.[0]?.field as string | undefined;
      if (res.status !== 400 || res.body.code !== 'JSON_TOO_DEEP' || !field?.startsWith('field['))
        failures.push(`${route.method} ${route.path}: ${res.status} ${res.body.code} ${field}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses job args nested past the limit, before storing anything, naming the field', async () => {
    const res = await request(base)
      .post('/v1/jobs')
      .set(key)
      .set('content-type', 'application/json')
      .send(jobWithArgs('deep', nestedArrays(40)))
      .expect(400);
    expect(res.body.errors[0].field).toMatch(/^action\.args\.value\.deep\[0\]/);
    await request(base).get('/v1/jobs/deep').set(key).expect(404);
  });

  it('refuses job args larger than MAX_MESSAGE_BYTES with 422 naming the action, storing nothing', async () => {
    const res = await request(base)
      .post('/v1/jobs')
      .set(key)
      .set('content-type', 'application/json')
      .send(jobWithArgs('big', JSON.stringify('x'.repeat(3000))))
      .expect(422);
    expect(res.body.errors).toEqual([
      { field: 'action', message: expect.stringMatching(/larger than 2048 bytes/) },
    ]);
    await request(base).get('/v1/jobs/big').set(key).expect(404);
  });

  const jsonWith = (encoding: string) => ({
    'x-api-key': apiKey,
    'content-type': 'application/json',
    'content-encoding': encoding,
  });

  it.each(['br', 'gzip', 'deflate'])(
    'answers a %s body of garbage bytes with 400 on every body route',
    async (encoding) => {
      const failures: string[] = [];
      for (const route of bodyRoutes) {
        const garbage = Buffer.from('this is not compressed at all, just bytes');
        const res = await probe(base, route.method, route.path, jsonWith(encoding), garbage);
        if (res.status !== 400 || res.json.code !== 'BODY_UNREADABLE')
          failures.push(`${route.method} ${route.path}: ${res.status} ${res.json.code}`);
      }
      expect(failures).toEqual([]);
    },
  );

  it.each(['zstd', 'compress', 'x-unknown'])('answers content-encoding %s with 415', async (encoding) => {
    const res = await probe(base, 'POST', '/v1/triggers/preview', jsonWith(encoding), '{}');
    expect([res.status, res.json.code]).toEqual([415, 'UNSUPPORTED_ENCODING']);
  });

  it('reads a well-formed compressed body, and bounds it after decompression (413)', async () => {
    const preview = JSON.stringify({ trigger: { type: 'interval', hours: 1 }, count: 2 });
    const encoded: Array<[string, Buffer]> = [
      ['gzip', gzipSync(preview)],
      ['deflate', deflateSync(preview)],
      ['br', brotliCompressSync(preview)],
    ];
    for (const [encoding, bytes] of encoded) {
      const res = await probe(base, 'POST', '/v1/triggers/preview', jsonWith(encoding), bytes);
      expect([encoding, res.status]).toEqual([encoding, 200]);
    }
    const bomb = gzipSync(JSON.stringify({ pad: ' '.repeat(100_000) }));
    expect(bomb.length).toBeLessThan(8192);
    const res = await probe(base, 'POST', '/v1/triggers/preview', jsonWith('gzip'), bomb);
    expect([res.status, res.json.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
}
