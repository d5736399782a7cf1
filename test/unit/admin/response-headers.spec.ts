import type { INestApplication } from '@nestjs/common';

import { listenLocally, probe, registeredRoutes } from '../../support/route-access';
import { API_KEY, createAdminTestApp } from './admin-app';

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
