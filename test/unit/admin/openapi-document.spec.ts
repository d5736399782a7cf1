import type { INestApplication } from '@nestjs/common';
import Ajv from 'ajv6';

import { isDeclaredPublic } from '../../support/route-access-suite';
import { listenLocally } from '../../support/route-access';
import { API_KEY, createAdminTestApp } from './admin-app';

// The OpenAPI document is the truth, for what Schemathesis cannot see: the security requirement and
// refusal statuses of every operation, and that every example in it is accepted by the API.
// Embedded mode, so the /v1/events routes are in the document too.

type Json = Record<string, unknown>;
interface Operation {
  security?: Array<Record<string, string[]>>;
  responses: Record<string, unknown>;
  parameters?: Array<{ name: string; in: string; schema?: Json }>;
  requestBody?: { content: Record<string, { schema?: Json; examples?: Record<string, { value: unknown }> }> };
}

let app: INestApplication;
let base: string;
let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } };

beforeAll(async () => {
  app = (await createAdminTestApp({ ADMIN_RATE_LIMIT_PER_MINUTE: '1000000' })).app;
  base = await listenLocally(app);
  doc = (await (await fetch(`${base}/docs-json`)).json()) as typeof doc;
});

afterAll(async () => {
  await app?.close();
});

function operations(): Array<{ method: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

/** '/v1/jobs/{id}' as the router spells it: '/v1/jobs/:id'. */
const routePattern = (path: string): string => path.replace(/\{([^}]+)\}/g, ':$1');

const post = (path: string, body: unknown): Promise<Response> =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify(body),
  });

describe('every operation of /docs-json', () => {
  it('documents the embedded /v1/events routes and the job routes (the walk is not empty)', () => {
    const seen = operations().map((o) => `${o.method} ${o.path}`);
    expect(seen).toEqual(
      expect.arrayContaining(['POST /v1/events/{topic}', 'GET /v1/events/{topic}', 'POST /v1/jobs']),
    );
  });

  it('declares the api-key requirement and 400/401/403/429 unless the route is public', () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations()) {
      if (isDeclaredPublic(routePattern(path))) continue;
      const what = `${method} ${path}`;
      if (!op.security?.some((s) => 'apiKey' in s)) failures.push(`${what}: no apiKey security requirement`);
      for (const status of ['400', '401', '403', '429'])
        if (!(status in op.responses)) failures.push(`${what}: ${status} not documented`);
    }
    expect(failures).toEqual([]);
  });

  it('documents 404 where a path names a job, a topic or a dead-letter topic that may not exist', () => {
    // GET /v1/events/{topic} lists any topic (empty when unknown); an unknown order answers 200 "unknown".
    const always200 = new Set(['GET /v1/events/{topic}', 'GET /v1/orders/{orderId}']);
    const failures = operations()
      .filter(({ method, path }) => path.includes('{') && !always200.has(`${method} ${path}`))
      .filter(({ op }) => !('404' in op.responses))
      .map(({ method, path }) => `${method} ${path}`);
    expect(failures).toEqual([]);
  });

  it('documents 413 and 422 where a body is validated by the engine, and 413 for every body', () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations()) {
      if (!op.requestBody) continue;
      if (!('413' in op.responses)) failures.push(`${method} ${path}: 413 not documented`);
    }
    for (const key of ['POST /v1/jobs', 'PATCH /v1/jobs/{id}', 'POST /v1/jobs/{id}/reschedule']) {
      const [method, path] = key.split(' ');
      if (!('422' in doc.paths[path][method.toLowerCase()].responses))
        failures.push(`${key}: 422 not documented`);
    }
    expect(failures).toEqual([]);
  });

  it('documents the success status each route answers (embedded events: 202 and 200)', () => {
    expect(Object.keys(doc.paths['/v1/events/{topic}'].post.responses)).toContain('202');
    expect(Object.keys(doc.paths['/v1/events/{topic}'].post.responses)).not.toContain('201');
    expect(Object.keys(doc.paths['/v1/events/{topic}'].get.responses)).toContain('200');
  });

  it('types every limit, partition and count query parameter as an integer', () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations())
      for (const p of op.parameters ?? [])
        if (['limit', 'partition'].includes(p.name) && p.schema?.type !== 'integer')
          failures.push(`${method} ${path} ?${p.name}: ${String(p.schema?.type)}`);
    expect(failures).toEqual([]);
  });
});

describe('every example in the document', () => {
  it('is valid against the schema it illustrates (component properties)', () => {
    const ajv = new Ajv({ allErrors: true, nullable: true });
    const failures: string[] = [];
    let checked = 0;
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      for (const [prop, propSchema] of Object.entries(props)) {
        if (!('example' in propSchema) || '$ref' in propSchema) continue;
        const { example, ...rest } = propSchema;
        checked++;
        if (!ajv.validate(rest, example))
          failures.push(`${name}.${prop} example ${JSON.stringify(example)}: ${ajv.errorsText()}`);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  });

  it("is accepted by the API: each named request example, and the create body built from the properties' examples", async () => {
    const failures: string[] = [];
    // A job for the {id} routes' examples.
    const seed = await post('/v1/jobs', {
      id: 'openapi-example-target',
      trigger: { type: 'interval', minutes: 5 },
      action: { handler: 'publish', args: { topic: 't', value: {} } },
    });
    expect(seed.status).toBe(201);
    const expected: Record<string, number> = { 'POST /v1/jobs': 201, 'POST /v1/events/{topic}': 202 };
    let sent = 0;
    for (const { method, path, op } of operations()) {
      const examples = op.requestBody?.content['application/json']?.examples ?? {};
      for (const [name, ex] of Object.entries(examples)) {
        const url = path.replace('{id}', 'openapi-example-target').replace('{topic}', 'orders.created');
        const res = await fetch(`${base}${url}`, {
          method,
          headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
          body: JSON.stringify(ex.value),
        });
        sent++;
        const want = expected[`${method} ${path}`] ?? 200;
        if (res.status !== want)
          failures.push(`${method} ${path} example ${name}: ${res.status} ${await res.text()}`);
      }
    }
    expect(sent).toBeGreaterThan(10);

    // What Swagger UI shows as "Example Value" for the create body: each property's example or default.
    const ref = (doc.paths['/v1/jobs'].post.requestBody?.content['application/json'].schema?.$ref ??
      '') as string;
    const props = doc.components.schemas[ref.split('/').pop() ?? ''].properties as Record<string, Json>;
    const body: Json = { id: 'openapi-example-value' };
    for (const [prop, schema] of Object.entries(props)) {
      if (prop === 'id' || prop === 'replaceExisting') continue;
      if ('example' in schema) body[prop] = schema.example;
      else if ('default' in schema) body[prop] = schema.default;
      // Swagger UI shows 0 for a number without an example, whatever its minimum.
      else if (schema.type === 'integer' || schema.type === 'number') body[prop] = 0;
    }
    // trigger and action are $refs/oneOf without a single example: the first named example's.
    const named = Object.values(
      doc.paths['/v1/jobs'].post.requestBody?.content['application/json'].examples ?? {},
    );
    const first = named[0]?.value as Json;
    body.trigger = first.trigger;
    body.action = first.action;
    const res = await post('/v1/jobs', body);
    if (res.status !== 201)
      failures.push(`create from property examples ${JSON.stringify(body)}: ${res.status}`);
    expect(failures).toEqual([]);
  });
});
