import type { ArgumentsHost } from '@nestjs/common';
import request from 'supertest';

import { ProblemFilter } from '../../../src/admin/problem/problem.filter';
import { ReadinessRegistry } from '../../../src/app/health/readiness';
import { scrubSecrets } from '../../../src/app/logging/secret-scrubber';
import {
  ActionError,
  JobLookupError,
  UnknownHandlerError,
  ValidationError,
} from '../../../src/scheduler/errors';
import { expectNoSecret, leakyText, secretConfig, STRAY_URL } from '../../support/secret-fixture';
import { API_KEY, createAdminTestApp } from '../admin/admin-app';
import { at, createHarness } from '../scheduler/harness';

// Error text the service records or answers with (run history, dead runs, scheduler.dead-letter,
// readiness, problem details), given errors quoting every configured secret and a URL password.
const { secrets } = secretConfig();
const leaky = (): Error => new Error(leakyText());

describe('the engine, with the service scrubber', () => {
  it('records a failed run, its dead run and its dead-letter event without secrets', async () => {
    const h = createHarness({ deadLetterTopic: 'scheduler.dead-letter', scrubErrorText: scrubSecrets });
    h.scheduler.registerHandler('leaky', () => {
      throw new ActionError(leakyText(), true);
    });
    await h.scheduler.start();
    const retry = {
      maxAttempts: 2,
      backoff: { initialSeconds: 10, multiplier: 2, maxSeconds: 60, jitter: 0 },
    };
    await h.scheduler.addJob({
      id: 'j',
      trigger: { type: 'date', runDate: at(5).toISOString() },
      action: { handler: 'leaky' },
      retry,
    });
    await h.clock.advanceAsync(60_000);
    const history = await h.history('j');
    const dead = await h.store.listDeadRuns({ limit: 10 });
    const events = await h.store.fetchUnsent(10);
    expect(history.map((r) => r.outcome)).toEqual(['error', 'error']);
    expect(dead).toHaveLength(1);
    expect(events.map((e) => e.topic)).toEqual(['scheduler.dead-letter']);
    const recorded = JSON.stringify({ history, dead, events, died: h.eventsOf('job.dead') });
    expect(recorded).toContain('connect failed');
    expectNoSecret(recorded, secrets);
    await h.scheduler.shutdown();
  });

  it('by default still hides URL passwords', async () => {
    const h = createHarness();
    h.scheduler.registerHandler('leaky', () => {
      throw new Error(`cannot reach ${STRAY_URL}`);
    });
    await h.scheduler.start();
    await h.scheduler.addJob({
      id: 'j',
      trigger: { type: 'date', runDate: at(5).toISOString() },
      action: { handler: 'leaky' },
    });
    await h.clock.advanceAsync(10_000);
    const [run] = await h.history('j');
    expect(run.error).toBe('Error: cannot reach amqp://guest:***@rabbit:5672/vhost');
    await h.scheduler.shutdown();
  });
});

describe('readiness', () => {
  it('reports a failing or down check without secrets', async () => {
    const registry = new ReadinessRegistry();
    registry.register({ name: 'throws', check: () => Promise.reject(leaky()) });
    registry.register({ name: 'down', check: async () => ({ status: 'down', detail: leakyText() }) });
    registry.register({ name: 'fine', check: async () => ({ status: 'up' }) });
    const report = await registry.report();
    expect(report.checks.fine).toEqual({ status: 'up' });
    expect(report.checks.down.detail).toContain('connect failed');
    expectNoSecret(JSON.stringify(report), secrets);
  });
});

describe('problem details', () => {
  function answer(error: unknown): string {
    let body = '';
    const res = {
      headersSent: false,
      status: () => res,
      type: () => res,
      send: (text: string) => (body = text),
    };
    const req = { originalUrl: `/v1/jobs/${secrets[3]}?x=1`, headers: {} };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    } as unknown as ArgumentsHost;
    new ProblemFilter().catch(error, host);
    return body;
  }

  it.each([
    ['a validation error', new ValidationError('trigger.timezone', leakyText())],
    ['an unknown handler', new UnknownHandlerError(leakyText())],
    ['a missing job', new JobLookupError(leakyText())],
    ['an unexpected error (500)', leaky()],
  ])('answer %s without secrets', (_label, error) => {
    const body = answer(error);
    expect(JSON.parse(body)).toHaveProperty('status');
    expectNoSecret(body, secrets);
  });

  it('through a real route, whatever input it quotes back', async () => {
    const t = await createAdminTestApp();
    try {
      const res = await request(t.app.getHttpServer())
        .post('/v1/triggers/preview')
        .set('x-api-key', API_KEY)
        .send({ trigger: { type: 'cron', hour: 1, timezone: leakyText() } });
      expect(res.status).toBe(422);
      expect(res.text).toContain('connect failed'); // the zone is quoted back
      expectNoSecret(res.text, secrets);
    } finally {
      await t.app.close();
    }
  });
});
