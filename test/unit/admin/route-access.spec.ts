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
      'GET /dashboard',
      'GET /dashboard/assets/:name',
      'GET /v1/stats/jobs',
      'GET /v1/stats/activity',
      'GET /v1/stats/messaging',
      'GET /v1/stats/replicas',
      'GET /v1/orders/:orderId',
      'GET /v1/dead-letters',
      'GET /v1/dead-letters/:topic',
      'POST /v1/dead-letters/:topic/replay',
    ],
  );
});
