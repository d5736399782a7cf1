import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { INestApplication } from '@nestjs/common';

import { FakeClock } from '../../../src/scheduler';
import { listenLocally } from '../../support/route-access';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { deleteTopics } from '../../support/test-kafka';
import { API_KEY, bootAdminApp, uniqueServiceTopics } from './admin-e2e-app';

// The OpenAPI document is the truth: Schemathesis (pinned, in a venv under ~/.cache made by
// scripts/schemathesis/ensure.sh) generates valid and invalid requests for every operation of
// /docs-json and fails on any 5xx, any response its schema does not describe, and any status the
// document does not list. MySQL mode, real MariaDB and Kafka.
// Time budget: venv creation once (~1 min), then SCHEMATHESIS_MAX_EXAMPLES cases per operation
// (default 10: ~1,100 cases, ~1.5 min on a shared 2-core machine).
const BUDGET_MS = 8 * 60_000;
jest.setTimeout(BUDGET_MS + 60_000);

const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'response_schema_conformance',
  'content_type_conformance',
];
const MAX_EXAMPLES = process.env.SCHEMATHESIS_MAX_EXAMPLES ?? '10';

let db: TestDatabase;
let app: INestApplication;
let base: string;
const topics = uniqueServiceTopics('openapi');

beforeAll(async () => {
  db = await createTestDatabase('openapi');
  app = await bootAdminApp({
    databaseUrl: db.url,
    topics,
    clock: new FakeClock('2030-06-01T00:00:00Z'),
    env: { ADMIN_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  base = await listenLocally(app);
});

afterAll(async () => {
  await app?.close();
  await deleteTopics(Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

interface Summary {
  cases: number;
  failures: Record<string, number>;
  output: string;
}

async function runSchemathesis(): Promise<Summary> {
  const { stdout } = await promisify(execFile)('bash', ['scripts/schemathesis/ensure.sh'], {
    timeout: 5 * 60_000,
  });
  const bin = stdout.trim();
  const reports = mkdtempSync(join(tmpdir(), 'schemathesis-'));
  try {
    const args = [
      'run',
      `${base}/docs-json`,
      '--checks',
      CHECKS.join(','),
      '--max-examples',
      MAX_EXAMPLES,
      '--seed',
      '20261201',
      '--workers',
      '1',
      '--header',
      `x-api-key: ${API_KEY}`,
      '--request-timeout',
      '10',
      '--suppress-health-check',
      'all',
      '--report',
      'ndjson',
      '--report-ndjson-path',
      join(reports, 'events.ndjson'),
      '--no-color',
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(bin, args, {
        env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' },
      });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      const timer = setTimeout(() => child.kill('SIGTERM'), BUDGET_MS);
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
    });
    return { ...summarize(output), output };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

/** Cases run and failures by check, from Schemathesis's summary (`N generated`, `❌ ST108 …: N`). */
function summarize(output: string): Omit<Summary, 'output'> {
  const cases = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
  const failures: Record<string, number> = {};
  for (const m of output.matchAll(/❌ (ST\d+ [^:\n]+): (\d+)/g)) failures[m[1]] = Number(m[2]);
  return { cases, failures };
}

it('every operation of /docs-json answers as documented (Schemathesis)', async () => {
  const result = await runSchemathesis();
  // The figures go to the test log for the record.
  console.log(`schemathesis: ${result.cases} cases, failures by check ${JSON.stringify(result.failures)}`);
  expect(result.cases).toBeGreaterThan(0);
  if (Object.keys(result.failures).length > 0) console.log(result.output.slice(-30_000));
  expect(result.failures).toEqual({});
});
