import { FakeClock } from '../../../src/scheduler';
import { pathIdSuite } from '../../support/path-id-suite';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { deleteTopics } from '../../support/test-kafka';
import { API_KEY, bootAdminApp, uniqueServiceTopics } from './admin-e2e-app';

// The same path ids as the embedded run, against MariaDB and Kafka: refused identically, and
// `DELETE /v1/jobs/padx%20%20` never reaches the PAD SPACE-free store to delete `padx`.
// Time budget: one app boot and ~100 requests, well under a minute.
jest.setTimeout(120_000);

let db: TestDatabase;
const topics = uniqueServiceTopics('pathids');

beforeAll(async () => {
  db = await createTestDatabase('path_ids');
});

afterAll(async () => {
  await deleteTopics(Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

describe('ids in the path (MySQL mode)', () => {
  pathIdSuite(
    (env) => bootAdminApp({ databaseUrl: db.url, topics, clock: new FakeClock('2030-06-01T00:00:00Z'), env }),
    API_KEY,
  );
});
