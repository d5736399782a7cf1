import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INestApplication } from '@nestjs/common';
import helmet, { type HelmetOptions } from 'helmet';

import { API_POLICY, DOCS_POLICY } from '../../../src/admin/http/security-headers';
import { listenLocally, probe, registeredRoutes } from '../../support/route-access';
import { API_KEY, createAdminTestApp } from './admin-app';

/** What helmet itself sends under `options`, from a bare Node server: its header lines, in order. */
async function helmetAnswer(options: HelmetOptions): Promise<Array<[string, string]>> {
  const server = createServer((req, res) => helmet(options)(req, res, () => res.end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await probe(`http://127.0.0.1:${port}`, 'GET', '/');
    const nodeOwn = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
    return res.rawHeaders.filter(([name]) => !nodeOwn.has(name.toLowerCase()));
  } finally {
    server.close();
  }
}

// Security headers on every route the router holds, Swagger UI still loadable under its CSP, and
// CORS closed unless configured.
describe('response headers', () => {
  let app: INestApplication;
  let base: string;
  const key = { 'x-api-key': API_KEY };

  beforeAll(async () => {
    app = (await createAdminTestApp({ ADMIN_RATE_LIMIT_PER_MINUTE: '1000000' })).app;
    base = await listenLocally(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('every route: no X-Powered-By, nosniff, a CSP, no-store', async () => {
    const failures: string[] = [];
    for (const route of registeredRoutes(app)) {
      for (const headers of [{}, key]) {
        const res = await probe(base, route.method, route.path, headers);
        const h = res.headers;
        const what = `${route.method} ${route.path} (${res.status})`;
        if (h['x-powered-by'] !== undefined) failures.push(`${what}: x-powered-by`);
        if (h['x-content-type-options'] !== 'nosniff') failures.push(`${what}: no nosniff`);
        if (typeof h['content-security-policy'] !== 'string') failures.push(`${what}: no CSP`);
        // Static shells holding no data (Swagger's files, the dashboard page) may be revalidated
        // (no-cache); everything else is never stored.
        const staticShell =
          route.pattern === '/docs/swagger-ui-init.js' || route.pattern.startsWith('/dashboard');
        const cache = h['cache-control'];
        if (!(cache === 'no-store' || (staticShell && cache === 'no-cache')))
          failures.push(`${what}: cache-control ${String(h['cache-control'])}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("every route, refusals included: exactly helmet's header lines for its policy, in helmet's order", async () => {
    const expected = { api: await helmetAnswer(API_POLICY), docs: await helmetAnswer(DOCS_POLICY) };
    expect(expected.api.length).toBeGreaterThanOrEqual(10);
    const requests: Array<[method: string, path: string, headers: Record<string, string>, body?: string]> =
      [];
    for (const route of registeredRoutes(app))
      for (const headers of [{}, key]) requests.push([route.method, route.path, headers]);
    requests.push(
      ['GET', '/v1/nothing-here', key],
      ['GET', '/docs/nothing-here', {}],
      ['GET', '/v1/jobs/%E0%A4%A', key],
      ['POST', '/v1/jobs', { ...key, 'content-type': 'text/plain' }, 'x'],
      ['POST', '/v1/jobs', key, '{not json'],
      ['OPTIONS', '/v1/jobs', { origin: 'https://evil.example', 'access-control-request-method': 'POST' }],
    );
    const failures: string[] = [];
    for (const [method, path, headers, body] of requests) {
      const res = await probe(base, method, path, headers, body);
      const helmetPolicy = /^\/docs(\/|$)/.test(path) ? expected.docs : expected.api;
      // The dashboard's page and assets replace the CSP with their own (its tests hold that one).
      const ownCsp = /^\/dashboard(\/|$)/.test(path);
      const policy = helmetPolicy.filter(([name]) => !(ownCsp && /^content-security-policy$/i.test(name)));
      const names = new Set(policy.map(([name]) => name.toLowerCase()));
      const sent = res.rawHeaders.filter(([name]) => names.has(name.toLowerCase()));
      if (JSON.stringify(sent) !== JSON.stringify(policy))
        failures.push(`${method} ${path} (${res.status}): ${JSON.stringify(sent)}`);
    }
    expect(failures).toEqual([]);
  });

  it('API responses load nothing and cannot be framed', async () => {
    const res = await probe(base, 'GET', '/v1/jobs', key);
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
  });

  it('Swagger UI loads under its CSP: every script and stylesheet it names is served from here', async () => {
    const page = await probe(base, 'GET', '/docs');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    // Inline scripts would be blocked by script-src 'self': the page must have none.
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//); // same origin only
      const res = await probe(base, 'GET', new URL(asset, `${base}/docs`).pathname);
      expect([asset, res.status]).toEqual([asset, 200]);
      expect(res.headers['content-type']).toMatch(asset.endsWith('.js') ? /javascript/ : /text\/css/);
    }
    const init = await probe(base, 'GET', '/docs/swagger-ui-init.js');
    expect(init.body).toContain('"openapi"');
  });

  it('CORS: no cross-origin grant without CORS_ALLOWED_ORIGINS, preflight included', async () => {
    const origin = { origin: 'https://evil.example' };
    const res = await probe(base, 'GET', '/v1/jobs', { ...key, ...origin });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await probe(base, 'OPTIONS', '/v1/jobs', {
      ...origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'x-api-key,content-type',
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('CORS: only the configured origins are granted', async () => {
    const cors = (
      await createAdminTestApp({ CORS_ALLOWED_ORIGINS: 'https://admin.example, http://localhost:8080' })
    ).app;
    try {
      const url = await listenLocally(cors);
      const allowed = await probe(url, 'OPTIONS', '/v1/jobs', {
        origin: 'https://admin.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-api-key,content-type',
      });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example');
      expect(String(allowed.headers['access-control-allow-headers'])).toContain('x-api-key');
      const other = await probe(url, 'GET', '/v1/jobs', { ...key, origin: 'https://evil.example' });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await cors.close();
    }
  });
});
