import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Test } from '@nestjs/testing';
import request from 'supertest';

import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';

import { JobDefinitionError } from '../../../src/scheduler/definitions/errors';
import { MemoryEventBus } from '../../../src/messaging/memory/memory-event-bus';
import { EVENT_BUS } from '../../../src/messaging/tokens';
import { SchedulerModuleLifecycle } from '../../../src/nest';
import { API_KEY, createAdminTestApp } from '../admin/admin-app';
import { httpAdapter } from '../../../src/admin/http-setup';

// SCHEDULER_JOBS_FILE through the whole service (embedded mode, fake clock): the file's jobs are
// rows like any other (admin API, run history), they run the service's own actions, and a bad
// file stops the start naming the job and the field.
describe('SCHEDULER_JOBS_FILE', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jobs-file-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reconciles the file at start: its jobs show in the admin API and fire the publish action', async () => {
    const path = file(
      'jobs.yaml',
      `version: 2
jobs:
  - id: heartbeat
    func: publish
    args: { topic: heartbeats, key: hb, value: { kind: ping } }
    trigger: interval
    minutes: 1
    max_instances: 1
  - id: nightly-report
    name: Nightly report
    func: publish
    args: { topic: reports, value: nightly }
    trigger: cron
    day: last sun
    hour: 3
    timezone: Europe/Paris
    misfire_grace_time: 600
`,
    );
    const t = await createAdminTestApp({ SCHEDULER_JOBS_FILE: path });
    try {
      expect(t.app.get(SchedulerModuleLifecycle).reports).toMatchObject([
        { source: 'code', outcome: 'applied', added: [] },
        { source: 'file', version: 2, outcome: 'applied', added: ['heartbeat', 'nightly-report'] },
      ]);
      const http = request(t.app.getHttpServer());
      const res = await http.get('/v1/jobs/nightly-report').set('x-api-key', API_KEY).expect(200);
      expect(res.body).toMatchObject({
        id: 'nightly-report',
        name: 'Nightly report',
        trigger: { type: 'cron', day: 'last sun', hour: 3, timezone: 'Europe/Paris' },
        misfireGraceTime: 600,
        nextRunTime: '2026-03-29T01:00:00.000Z',
      });

      await t.clock.advanceAsync(60_000);
      const bus = t.app.get<MemoryEventBus>(EVENT_BUS);
      const published = await waitFor(async () => {
        await t.clock.settle();
        const messages = bus.recent('heartbeats');
        return messages.length > 0 ? messages : undefined;
      });
      expect(published[0]).toMatchObject({ topic: 'heartbeats', key: 'hb' });
      const runs = await http.get('/v1/jobs/heartbeat/runs').set('x-api-key', API_KEY).expect(200);
      expect(runs.body.items ?? runs.body).toEqual(
        expect.arrayContaining([expect.objectContaining({ outcome: 'success' })]),
      );
    } finally {
      await t.app.close();
    }
  });

  it.each([
    [
      'a bad trigger field',
      'jobs:\n  - id: broken\n    func: publish\n    trigger: cron\n    hour: 24\n',
      'broken',
      'hour',
    ],
    [
      'an unknown handler',
      'jobs:\n  - id: lost\n    func: nobody\n    trigger: interval\n    minutes: 1\n',
      'lost',
      'func',
    ],
  ])('stops the start on %s, naming the job and the field', async (_what, text, job, field) => {
    const path = file(`bad-${job}.yaml`, text);
    const error = await failedStart(path);
    expect(error).toBeInstanceOf(JobDefinitionError);
    expect(error).toMatchObject({ job, field, origin: path });
  });

  it('stops the start when the file is missing, naming it', async () => {
    const path = join(dir, 'nope.yaml');
    const error = await failedStart(path);
    expect(error).toBeInstanceOf(JobDefinitionError);
    expect((error as Error).message).toContain(path);
  });
});

/** The app's start error; what the app had started before failing is closed again. */
async function failedStart(path: string): Promise<unknown> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ADMIN_API_KEYS: API_KEY, SCHEDULER_JOBS_FILE: path });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication(httpAdapter(), { logger: false });
  try {
    await app.init();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close().catch(() => undefined);
  }
}

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out');
}
