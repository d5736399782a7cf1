import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { SchedulerModuleLifecycle } from '../../../src/nest';
import { FakeClock } from '../../../src/scheduler';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { deleteTopics } from '../../support/test-kafka';
import { API_KEY, bootAdminApp, uniqueServiceTopics } from '../admin/admin-e2e-app';

// SCHEDULER_JOBS_FILE through the whole service on MariaDB + Kafka: replicas are app instances in
// this process over one database. A restart keeps next run times; a redeploy applies its changes;
// replicas of two versions starting together end with the newer one, whatever the order; a job
// made over REST is never touched.

// Up to six app boots (each joins a Kafka consumer group): a few seconds each on a loaded machine.
jest.setTimeout(240_000);

const T0 = '2030-06-01T00:00:30.000Z';
const key = { 'x-api-key': API_KEY };
let db: TestDatabase;
let dir: string;
let topics: Record<string, string>;
const apps: INestApplication[] = [];

const V1 = `version: 1
jobs:
  - id: heartbeat
    func: publish
    args: { topic: heartbeats, value: ping }
    trigger: interval
    minutes: 10
  - id: nightly-report
    func: publish
    args: { topic: reports, value: nightly }
    trigger: cron
    hour: 3
  - id: retired
    func: publish
    args: { topic: old, value: x }
    trigger: cron
    day_of_week: sun
    hour: 5
`;

// heartbeat's options change (next run kept), nightly-report moves to 04:30, retired goes, weekly comes.
const V2 = `version: 2
jobs:
  - id: heartbeat
    func: publish
    args: { topic: heartbeats, value: ping }
    trigger: interval
    minutes: 10
    max_instances: 2
  - id: nightly-report
    func: publish
    args: { topic: reports, value: nightly }
    trigger: cron
    hour: 4
    minute: 30
  - id: weekly
    func: publish
    args: { topic: reports, value: weekly }
    trigger: cron
    day_of_week: mon
    hour: 9
`;

function jobsFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function boot(replica: string, file: string, clock: FakeClock): Promise<INestApplication> {
  const app = await bootAdminApp({
    databaseUrl: db.url,
    topics,
    clock,
    env: { SCHEDULER_JOBS_FILE: file, SCHEDULER_REPLICA_ID: replica },
  });
  apps.push(app);
  return app;
}

async function jobs(
  app: INestApplication,
): Promise<Record<string, { nextRunTime: string | null; maxInstances: number }>> {
  const res = await request(app.getHttpServer()).get('/v1/jobs?limit=100').set(key).expect(200);
  const items = (res.body.items ?? res.body) as Array<{
    id: string;
    nextRunTime: string | null;
    maxInstances: number;
  }>;
  return Object.fromEntries(
    items.map((j) => [j.id, { nextRunTime: j.nextRunTime, maxInstances: j.maxInstances }]),
  );
}

const fileReport = (app: INestApplication) =>
  app.get(SchedulerModuleLifecycle).reports.find((r) => r.source === 'file');

beforeAll(async () => {
  db = await createTestDatabase('jobs_file');
  dir = mkdtempSync(join(tmpdir(), 'jobs-file-'));
  topics = uniqueServiceTopics('jobsfile');
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteTopics(Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

it('restart, redeploy with changes, REST jobs untouched, and two versions starting together', async () => {
  const clock = new FakeClock(T0);
  const v1 = jobsFile('v1.yaml', V1);
  const v2 = jobsFile('v2.yaml', V2);

  // First deploy.
  const a = await boot('a', v1, clock);
  expect(fileReport(a)).toMatchObject({ outcome: 'applied', version: 1 });
  await request(a.getHttpServer())
    .post('/v1/jobs')
    .set(key)
    .send({
      id: 'made-over-rest',
      trigger: { type: 'cron', hour: 1 },
      action: { handler: 'publish', args: { topic: 't', value: 1 } },
    })
    .expect(201);
  const first = await jobs(a);
  expect(first).toEqual({
    heartbeat: { nextRunTime: '2030-06-01T00:10:30.000Z', maxInstances: 1 },
    'nightly-report': { nextRunTime: '2030-06-01T03:00:00.000Z', maxInstances: 1 },
    retired: { nextRunTime: '2030-06-02T05:00:00.000Z', maxInstances: 1 },
    'made-over-rest': { nextRunTime: '2030-06-01T01:00:00.000Z', maxInstances: 1 },
  });
  await a.close();
  apps.splice(0);

  // Restart two minutes later with the same file: nothing written, the interval's grid kept.
  await clock.advanceAsync(120_000);
  const b = await boot('b', v1, clock);
  expect(fileReport(b)).toMatchObject({ outcome: 'unchanged' });
  expect(await jobs(b)).toEqual(first);
  await b.close();
  apps.splice(0);

  // A rolling deploy: v2 and v1 replicas start at the same moment. v2 wins whatever the order.
  const started = await Promise.all([boot('c2', v2, clock), boot('d1', v1, clock), boot('e2', v2, clock)]);
  const reports = started.map(fileReport);
  expect(reports.filter((r) => r?.version === 2 && r.outcome === 'applied')).toHaveLength(1);
  expect(reports.find((r) => r?.version === 1)?.outcome).toMatch(/^(applied|superseded)$/);
  const after = await jobs(started[0]);
  expect(after).toEqual({
    heartbeat: { nextRunTime: '2030-06-01T00:10:30.000Z', maxInstances: 2 },
    'nightly-report': { nextRunTime: '2030-06-01T04:30:00.000Z', maxInstances: 1 },
    weekly: { nextRunTime: '2030-06-03T09:00:00.000Z', maxInstances: 1 },
    'made-over-rest': { nextRunTime: '2030-06-01T01:00:00.000Z', maxInstances: 1 },
  });
  for (const app of apps.splice(0)) await app.close();

  // The old version restarting late changes nothing.
  const late = await boot('late', v1, clock);
  expect(fileReport(late)).toMatchObject({ outcome: 'superseded', storedVersion: 2 });
  expect(await jobs(late)).toEqual(after);
});
