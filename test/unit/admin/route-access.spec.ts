import { routeAccessSuite } from '../../support/route-access-suite';
import { createAdminTestApp } from './admin-app';

// Deny by default, embedded mode (memory store, in-memory bus, so the /v1/events routes exist).
// The routes come from the router, so a route added later is probed without being listed here.
describe('route access (embedded mode)', () => {
  routeAccessSuite(
    async (env) => (await createAdminTestApp(env)).app,
    [
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /docs-json',
      'POST /v1/jobs',
      'GET /v1/jobs/:id',
      'DELETE /v1/jobs/:id',
      'POST /v1/triggers/preview',
      'POST /v1/events/:topic',
      'GET /v1/events/:topic',
    ],
  );
});
