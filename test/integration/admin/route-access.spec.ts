import { FakeClock } from '../../../src/scheduler';
import { routeAccessSuite } from '../../support/route-access-suite';
import { deleteTopics } from '../../support/test-kafka';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { bootAdminApp, uniqueServiceTopics } from './admin-e2e-app';

// Deny by default in MySQL mode (MariaDB store, Kafka bus): the route set differs from embedded
// mode (no /v1/events), so the same probe runs over this app's own router.
// Time budget: two app boots plus ~1,000 loopback requests, well under a minute.
jest.setTimeout(120_000);

let db: TestDatabase;
const topics = uniqueServiceTopics('access');

beforeAll(async () => {
  db = await createTestDatabase('route_access');
});

afterAll(async () => {
  await deleteTopics(Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

describe('route access (MySQL mode)', () => {
  routeAccessSuite(
    (env) => bootAdminApp({ databaseUrl: db.url, topics, clock: new FakeClock('2030-06-01T00:00:00Z'), env }),
    [
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /docs-json',
      'POST /v1/jobs',
      'GET /v1/jobs/:id',
    ],
  );
});
