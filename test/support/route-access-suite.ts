// The deny-by-default check, shared by the embedded (unit) and MySQL (integration) runs: every
// route the router holds, in every spelling, without a key and with a wrong one.
import type { INestApplication } from '@nestjs/common';

import { listenLocally, pathVariants, probe, registeredRoutes, type RegisteredRoute } from './route-access';

/**
 * The only routes that may answer without a key: health, metrics, the OpenAPI document and UI, and
 * the dashboard's static shell (HTML, script, stylesheet: no data; its data calls need the key).
 */
export function isDeclaredPublic(pattern: string): boolean {
  return (
    pattern === '/health/live' ||
    pattern === '/health/ready' ||
    pattern === '/metrics' ||
    pattern === '/docs' ||
    pattern.startsWith('/docs/') ||
    pattern === '/docs-json' ||
    pattern === '/docs-yaml' ||
    pattern === '/dashboard' ||
    pattern === '/dashboard/assets/:name'
  );
}

// A public route may lack content (Swagger's LICENSE file is not shipped: 404), never access.
const refused = (status: number): boolean => [401, 403, 429].includes(status);

/** GET routes are also reachable with HEAD (Express answers HEAD through the GET handler). */
function requests(routes: RegisteredRoute[]): RegisteredRoute[] {
  return routes.flatMap((r) => (r.method === 'GET' ? [r, { ...r, method: 'HEAD' }] : [r]));
}

export function routeAccessSuite(
  boot: (env: Record<string, string>) => Promise<INestApplication>,
  expectedRoutes: string[],
): void {
  describe('every registered route, every spelling', () => {
    let app: INestApplication;
    let base: string;
    let routes: RegisteredRoute[];

    beforeAll(async () => {
      app = await boot({ ADMIN_RATE_LIMIT_PER_MINUTE: '1000000' });
      base = await listenLocally(app);
      routes = registeredRoutes(app);
    });

    afterAll(async () => {
      await app?.close();
    });

    it('finds the routes from the router itself', () => {
      const seen = routes.map((r) => `${r.method} ${r.pattern}`);
      expect(seen).toEqual(expect.arrayContaining(expectedRoutes));
    });

    it.each([
      ['no key', {}, 401],
      ['a wrong key', { 'x-api-key': 'wrong-key-0123456789' }, 403],
    ])(
      'with %s only the public routes answer 2xx; a protected one refuses in every spelling',
      async (_label, headers: Record<string, string>, refusal) => {
        const failures: string[] = [];
        for (const route of requests(routes)) {
          const isPublic = isDeclaredPublic(route.pattern);
          for (const variant of pathVariants(route.path)) {
            const res = await probe(base, route.method, variant, headers);
            const what = `${route.method} ${variant} (route ${route.pattern}) answered ${res.status}`;
            if (res.status >= 500) failures.push(`${what}: a server error`);
            else if (isPublic) {
              if (variant === route.path && refused(res.status))
                failures.push(`${what}: a public route must be open`);
            } else if (
              variant === route.path ? res.status !== refusal : ![refusal, 404].includes(res.status)
            ) {
              failures.push(`${what}: expected ${refusal}${variant === route.path ? '' : ' or 404'}`);
            }
          }
        }
        expect(failures).toEqual([]);
      },
      60_000,
    );
  });

  describe('the admin rate limit', () => {
    const LIMIT = 4;
    let app: INestApplication;
    let base: string;
    let routes: RegisteredRoute[];

    beforeAll(async () => {
      app = await boot({ ADMIN_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
      base = await listenLocally(app);
      routes = registeredRoutes(app);
    });

    afterAll(async () => {
      await app?.close();
    });

    it('counts every protected route in every spelling, and never a public one', async () => {
      const protectedRoutes = requests(routes).filter((r) => !isDeclaredPublic(r.pattern));
      const first = protectedRoutes[0];
      // Capitalised and trailing-slash spellings spend the same budget as the plain path.
      for (const path of [first.path.toUpperCase(), `${first.path}/`, first.path, first.path.toUpperCase()]) {
        expect((await probe(base, first.method, path)).status).toBe(401);
      }
      const failures: string[] = [];
      for (const route of protectedRoutes) {
        for (const variant of [route.path, route.path.toUpperCase(), `${route.path}/`]) {
          const res = await probe(base, route.method, variant);
          if (res.status !== 429)
            failures.push(`${route.method} ${variant} answered ${res.status}, expected 429`);
        }
      }
      for (const route of requests(routes).filter((r) => isDeclaredPublic(r.pattern))) {
        const res = await probe(base, route.method, route.path);
        if (refused(res.status)) failures.push(`public ${route.method} ${route.path} answered ${res.status}`);
      }
      expect(failures).toEqual([]);
    });
  });
}
