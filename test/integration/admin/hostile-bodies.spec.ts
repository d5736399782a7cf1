import { FakeClock } from '../../../src/scheduler';
import { hostileBodySuite } from '../../support/hostile-body-suite';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { deleteTopics } from '../../support/test-kafka';
import { API_KEY, bootAdminApp, uniqueServiceTopics } from './admin-e2e-app';

// The same hostile bodies as the embedded run, against MariaDB and Kafka: refused identically,
// before anything reaches the store (MariaDB itself refuses JSON nested 32 deep: a 500 before).
// Time budget: one app boot and ~100 requests, well under a minute.
jest.setTimeout(120_000);

let db: TestDatabase;
const topics = uniqueServiceTopics('hostile');

beforeAll(async () => {
  db = await createTestDatabase('hostile_bodies');
});

afterAll(async () => {
  await deleteTopics(Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

describe('hostile request bodies (MySQL mode)', () => {
  hostileBodySuite(
    (env) => bootAdminApp({ databaseUrl: db.url, topics, clock: new FakeClock('2030-06-01T00:00:00Z'), env }),
    API_KEY,
  );
});
