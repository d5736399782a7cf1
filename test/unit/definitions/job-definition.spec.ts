import { JobDefinitionError } from '../../../src/scheduler/definitions/errors';
import { definitionHashes, parseJobDefinition } from '../../../src/scheduler/definitions/job-definition';
import { parseJobsFile } from '../../../src/nest/jobs-file';

describe('job definitions with APScheduler names', () => {
  test('reads Flask-APScheduler style: func, args, trigger with its parameters beside it, job options', () => {
    const d = parseJobDefinition(
      {
        id: 'nightly',
        func: 'publish',
        args: { topic: 't', value: 1 },
        trigger: 'cron',
        day_of_week: 'mon-fri',
        hour: 3,
        timezone: 'Europe/Paris',
        misfire_grace_time: 60,
        max_instances: 2,
        coalesce: false,
        retry: { maxAttempts: 3 },
      },
      'jobs[0]',
    );
    expect(d).toEqual({
      id: 'nightly',
      action: { handler: 'publish', args: { topic: 't', value: 1 } },
      trigger: { type: 'cron', dayOfWeek: 'mon-fri', hour: 3, timezone: 'Europe/Paris' },
      misfireGraceTime: 60,
      maxInstances: 2,
      coalesce: false,
      retry: { maxAttempts: 3 },
    });
    // The same with camelCase and params: one definition, one hash.
    const again = parseJobDefinition(
      {
        maxInstances: 2,
        coalesce: false,
        misfireGraceTime: 60,
        retry: { maxAttempts: 3 },
        id: 'nightly',
        handler: 'publish',
        kwargs: { value: 1, topic: 't' },
        trigger: 'cron',
        params: { hour: 3, dayOfWeek: 'mon-fri', timezone: 'Europe/Paris' },
      },
      'jobs[0]',
    );
    expect(definitionHashes(again)).toEqual(definitionHashes(d));
    expect(
      parseJobDefinition({ id: 'c', func: 'h', trigger: 'crontab', expr: '0 9 * * 1' }, 'x').trigger,
    ).toEqual({
      type: 'cron',
      expr: '0 9 * * 1',
    });
  });

  test('both spellings of one option with the same value are taken', () => {
    const d = parseJobDefinition(
      { id: 'j', func: 'h', trigger: 'interval', minutes: 1, max_instances: 2, maxInstances: 2 },
      'x',
    );
    expect(d.maxInstances).toBe(2);
  });

  test('the trigger hash and the rest hash apart', () => {
    const a = definitionHashes(
      parseJobDefinition({ id: 'a', func: 'h', trigger: 'interval', minutes: 5 }, 'x'),
    );
    const b = definitionHashes(
      parseJobDefinition({ id: 'a', func: 'h', trigger: 'interval', minutes: 5, coalesce: false }, 'x'),
    );
    const c = definitionHashes(
      parseJobDefinition({ id: 'a', func: 'h', trigger: 'interval', minutes: 6 }, 'x'),
    );
    expect(b.trigger).toBe(a.trigger);
    expect(b.job).not.toBe(a.job);
    expect(c.trigger).not.toBe(a.trigger);
    expect(c.job).toBe(a.job);
  });

  test.each([
    [{ func: 'h', trigger: 'cron', hour: 3 }, 'jobs[4]', 'id'],
    [{ id: ' pad', func: 'h', trigger: 'cron' }, 'jobs[4]', 'id'],
    [{ id: 'j', trigger: 'cron' }, 'j', 'func'],
    [{ id: 'j', func: 'h' }, 'j', 'trigger'],
    [{ id: 'j', func: 'h', trigger: 'weekly' }, 'j', 'trigger'],
    [{ id: 'j', func: 'h', trigger: 'cron', hour: 25 }, 'j', 'hour'],
    [{ id: 'j', func: 'h', trigger: 'cron', day_of_week: 'funday' }, 'j', 'day_of_week'],
    [{ id: 'j', func: 'h', trigger: 'cron', hours: 3 }, 'j', 'hours'],
    [{ id: 'j', func: 'h', trigger: 'cron', timezone: 'Mars/Base' }, 'j', 'timezone'],
    [{ id: 'j', func: 'h', trigger: 'interval', minutes: 1, max_instances: 0 }, 'j', 'max_instances'],
    [
      { id: 'j', func: 'h', trigger: 'interval', minutes: 1, misfire_grace_time: -1 },
      'j',
      'misfire_grace_time',
    ],
    [{ id: 'j', func: 'h', trigger: 'interval', minutes: 1, coalesce: 'yes' }, 'j', 'coalesce'],
    [
      { id: 'j', func: 'h', trigger: 'interval', minutes: 1, retry: { maxAttempts: 0 } },
      'j',
      'retry.maxAttempts',
    ],
    [{ id: 'j', func: 'h', trigger: 'interval', minutes: 1, next_run_time: 'now' }, 'j', 'next_run_time'],
    [
      { id: 'j', func: 'h', trigger: 'interval', minutes: 1, misfireGraceTime: 1, misfire_grace_time: 2 },
      'j',
      'misfire_grace_time',
    ],
    ['not an object', 'jobs[4]', 'jobs[4]'],
  ])('%j is refused naming job %s and field %s', (raw, job, field) => {
    let error: unknown;
    try {
      parseJobDefinition(raw, 'jobs[4]', 'jobs.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JobDefinitionError);
    expect(error).toMatchObject({ code: 'JOB_DEFINITION_INVALID', job, field, origin: 'jobs.yaml' });
    expect((error as Error).message).toMatch(
      new RegExp(`^jobs\\.yaml: job '${job.replace(/[[\]]/g, '\\$&')}': `),
    );
  });
});

describe('jobs file (JSON or YAML)', () => {
  const yaml = `
version: 4
jobs:
  - id: nightly-report
    func: publish
    args: { topic: reports, value: { kind: nightly } }
    trigger: cron
    day: last sun
    hour: 3
    misfire_grace_time: 600
  - id: heartbeat
    func: publish
    args: { topic: heartbeats, value: ping }
    trigger: interval
    seconds: 30
`;

  test('YAML with a version, and a bare JSON list (version 0), read the same way', () => {
    const file = parseJobsFile(yaml, 'jobs.yaml');
    expect(file.version).toBe(4);
    expect(file.definitions.map((d) => d.id)).toEqual(['nightly-report', 'heartbeat']);
    expect(file.definitions[0].trigger).toEqual({ type: 'cron', day: 'last sun', hour: 3 });
    const json = parseJobsFile(
      JSON.stringify([
        { id: 'hb', func: 'publish', args: { topic: 't', value: 1 }, trigger: 'interval', seconds: 30 },
      ]),
      'jobs.json',
    );
    expect(json).toMatchObject({
      version: 0,
      definitions: [{ id: 'hb', trigger: { type: 'interval', seconds: 30 } }],
    });
  });

  test.each([
    ['jobs:\n  - id: a\n    func: h\n    trigger: cron\n    minute: 99\n', 'a', 'minute'],
    [
      'jobs:\n  - id: a\n    func: h\n    trigger: cron\n  - id: a\n    func: h\n    trigger: cron\n',
      'a',
      'id',
    ],
    ['version: -1\njobs: []\n', '*', 'version'],
    ['version: 1\njob: []\n', '*', 'job'],
    ['jobs: {}\n', '*', 'jobs'],
    ['jobs: [\n', '*', 'file'],
    ['42\n', '*', 'file'],
  ])('%j is refused naming job %s and field %s', (text, job, field) => {
    expect(() => parseJobsFile(text, 'jobs.yaml')).toThrow(JobDefinitionError);
    try {
      parseJobsFile(text, 'jobs.yaml');
    } catch (error) {
      expect(error).toMatchObject({ job, field });
    }
  });
});
