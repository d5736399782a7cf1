import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';

import { FakeClock } from '../../../src/scheduler';
import { API_KEY, bootAdminApp, quiet, uniqueServiceTopics } from '../admin/admin-e2e-app';
import { eventually } from '../../support/eventually';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { createTopics, deleteTopics, produceMessages, uniqueTopic } from '../../support/test-kafka';
import { buildDashboard, launchBrowser, measureTransfer, screenshotDir } from './browser';
import { InboundConsumer } from '../../../src/messaging/inbound/inbound-consumer';

// The dashboard in a real browser (Debian's headless Chromium driven by playwright-core) against
// the whole service on MariaDB and Kafka, business time on a fake clock: sign in, a job created
// over REST appears, pausing it from the page is what the API then says, an order's timeout shows
// once it fired, a dead-lettered message is listed and replayed from the page, runs that exhausted
// their retries (http jobs against a real HTTP server that refuses them) are listed, retried and
// discarded from the page.

// Budget: Chromium start (~2 s), group joins, the service's polling; each step waits at most 30 s.
jest.setTimeout(240_000);

const T0 = '2030-03-25T08:00:00.000Z';
let db: TestDatabase;
let topics: Record<string, string>;
let target: string;
let clock: FakeClock;
let app: INestApplication;
let base: string;
let browser: Browser;
let page: Page;
let httpTarget: Server;
let targetUrl: string;
/** Paths the HTTP target refuses with a 503; any other path is delivered (200). */
const refused = new Set<string>();
const deliveries: string[] = [];
const shots = screenshotDir();
const weights: Record<string, number> = {};
const api = () => request(app.getHttpServer());
const key = { 'x-api-key': API_KEY };
const kb = (rows: Array<{ bytes: number }>) => Math.round(rows.reduce((n, r) => n + r.bytes, 0) / 102.4) / 10;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  httpTarget = createServer((req, res) => {
    deliveries.push(req.url!);
    if (refused.has(req.url!)) res.writeHead(503).end('busy');
    else res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => httpTarget.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(httpTarget.address() as AddressInfo).port}`;
  buildDashboard();
  browser = await launchBrowser();
  db = await createTestDatabase('dashboard');
  topics = uniqueServiceTopics('dash');
  target = uniqueTopic('dash.target');
  await createTopics([target], 1);
  clock = new FakeClock(T0);
  app = await bootAdminApp({
    databaseUrl: db.url,
    topics,
    clock,
    env: {
      HTTP_TARGET_SIGNING_SECRET: 'dashboard-signing-secret-0123456789',
      HTTP_TARGET_ALLOWED_HOSTS: '127.0.0.1',
    },
  });
  await app.listen(0, '127.0.0.1');
  base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await app.get(InboundConsumer).ready();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  if (Object.keys(weights).length > 0)
    writeFileSync(path.join(shots, 'page-weights.json'), `${JSON.stringify(weights, null, 2)}\n`);
  await browser?.close();
  await app?.close();
  httpTarget?.closeAllConnections();
  await new Promise((resolve) => httpTarget?.close(resolve));
  await deleteTopics([
    target,
    ...Object.values(topics),
    ...Object.values(topics).map((t) => `${t}.dlq`),
  ]).catch(() => undefined);
  await db?.drop();
});

it('serves the shell without a key but no data; signs in only with a valid key', async () => {
  await api().get('/v1/stats/jobs').expect(401);
  const shell = await measureTransfer(page, async () => {
    await page.goto(`${base}/dashboard`, { waitUntil: 'networkidle' });
  });
  weights.shellKB = kb(shell);
  expect(shell.map((r) => new URL(r.url).pathname).sort()).toEqual([
    '/dashboard',
    '/dashboard/assets/app.css',
    '/dashboard/assets/app.js',
  ]);
  await page.getByLabel('Admin API key').fill('not-the-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor();
  await shot('sign-in');

  const signIn = await measureTransfer(page, async () => {
    await page.getByLabel('Admin API key').fill(API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('rowheader', { name: topics.TOPIC_ORDERS_CREATED }).waitFor();
    await page.waitForLoadState('networkidle');
  });
  weights.overviewDataKB = kb(signIn);
  weights.firstLoadKB = Math.round((weights.shellKB + weights.overviewDataKB) * 10) / 10;
});

it('shows a job created over REST, and pausing it from the page is what the API then says', async () => {
  await api()
    .post('/v1/jobs')
    .set(key)
    .send({
      id: 'paris-morning',
      name: 'Paris morning report',
      trigger: { type: 'cron', hour: 9, minute: 0, timezone: 'Europe/Paris' },
      action: { handler: 'publish', args: { topic: target, key: 'r', value: { report: 'morning' } } },
    })
    .expect(201);
  await page.goto(`${base}/dashboard#/jobs`);
  const row = page.locator('tr[data-job-id="paris-morning"]');
  await row.waitFor();
  expect(await row.textContent()).toContain('scheduled');
  await shot('jobs');

  await row.getByRole('link', { name: 'Paris morning report' }).click();
  await page.getByTestId('trigger-words').waitFor();
  expect(await page.getByTestId('trigger-words').textContent()).toBe('cron: at 09:00 (Europe/Paris)');
  // Ten fire times; Europe/Paris moves to +02:00 on 2030-03-31, which is marked.
  const fireRows = page.locator('section[aria-labelledby="next-h"] tbody tr');
  await eventually(
    'ten fire times',
    async () => ((await fireRows.count()) === 10 ? true : undefined),
    30_000,
  );
  // The list starts at the job's stored next run time (the run due at creation may fire meanwhile).
  await eventually(
    'fire times from the next run time',
    async () => {
      const next = (await api().get('/v1/jobs/paris-morning').set(key).expect(200)).body
        .nextRunTime as string;
      return (await fireRows.first().textContent())?.includes(next) ? true : undefined;
    },
    30_000,
  );
  expect(await page.locator('tr.dst').count()).toBe(1);
  expect(await page.locator('tr.dst').textContent()).toContain('+02:00');
  await shot('job');

  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, pause' }).click();
  await page.getByTestId('job-state').filter({ hasText: 'paused' }).waitFor();
  const job = await api().get('/v1/jobs/paris-morning').set(key).expect(200);
  expect(job.body).toMatchObject({ paused: true, state: 'paused', nextRunTime: null });
});

it("shows an order's timeout once it fired, with the events emitted", async () => {
  await produceMessages(topics.TOPIC_ORDERS_CREATED, [
    {
      key: 'o-dash-1',
      value: {
        eventId: randomUUID(),
        orderId: 'o-dash-1',
        createdAt: T0,
        items: [{ skuId: 'sku-1', quantity: 2 }],
        paymentTimeoutSeconds: 600,
      },
    },
  ]);
  await page.goto(`${base}/dashboard#/orders`);
  await page.getByLabel('Order id').fill('o-dash-1');
  await page.getByRole('button', { name: 'Look up' }).click();
  await page.getByTestId('order-stage').filter({ hasText: 'pending' }).waitFor({ timeout: 30_000 });
  expect(await page.locator('[aria-current="step"]').textContent()).toContain('pending');

  await clock.setAsync(new Date(Date.parse(T0) + 601_000));
  await quiet(app, clock.now());
  await page.getByTestId('order-stage').filter({ hasText: 'cancelled' }).waitFor({ timeout: 30_000 });
  const events = await page.getByTestId('order-events').textContent();
  expect(events).toContain(topics.TOPIC_ORDERS_CANCEL);
  expect(events).toContain(topics.TOPIC_INVENTORY_RESTOCK);
  await shot('order');
});

it('lists a dead-lettered message with its error headers and replays it from the page', async () => {
  await produceMessages(topics.TOPIC_ORDERS_CREATED, [{ key: 'broken-1', value: '{"not json' }]);
  await page.goto(`${base}/dashboard#/dead-letters/${encodeURIComponent(topics.TOPIC_ORDERS_CREATED)}`);
  const row = page.locator('table.dead-letters tr[data-offset="0"]');
  await eventually(
    'the dead letter on the page',
    async () => {
      if ((await row.count()) > 0) return true;
      await page.reload();
      await page.locator('table.dead-letters').waitFor();
      return undefined;
    },
    60_000,
  );
  const text = await row.textContent();
  expect(text).toContain('broken-1');
  expect(text).toContain(`${topics.TOPIC_ORDERS_CREATED}/0@`);
  expect(text).toContain('not replayed');
  await shot('dead-letters');

  await page.getByLabel('From offset').fill('0');
  await page.getByLabel('To offset (inclusive)').fill('0');
  await page.getByRole('button', { name: 'Replay', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, replay' }).click();
  await page.getByText('Replayed 1: 0 replayed.').waitFor({ timeout: 30_000 });
  await row.filter({ hasText: 'published' }).waitFor();
});

it('lists runs that exhausted their retries; retrying and deleting them from the page is what the API then says', async () => {
  const dueAt = new Date(clock.now().getTime() + 60_000);
  const retry = { maxAttempts: 2, backoff: { initialSeconds: 10, multiplier: 2, maxSeconds: 60, jitter: 0 } };
  refused.add('/export');
  refused.add('/invoice');
  for (const [id, url] of [
    ['nightly-export', '/export'],
    ['invoice-webhook', '/invoice'],
  ])
    await api()
      .post('/v1/jobs')
      .set(key)
      .send({
        id,
        trigger: { type: 'date', runDate: dueAt.toISOString() },
        action: { handler: 'http', args: { url: `${targetUrl}${url}` } },
        retry,
      })
      .expect(201);
  // Attempt 1 at dueAt, attempt 2 ten seconds later: then both runs are dead.
  for (const at of [dueAt.getTime(), dueAt.getTime() + 10_000]) {
    await clock.setAsync(new Date(at));
    await quiet(app, clock.now());
  }
  const listed = (await api().get('/v1/dead-runs').set(key).expect(200)).body.items as Array<{
    id: string;
    jobId: string;
  }>;
  const deadId = (jobId: string) => listed.find((r) => r.jobId === jobId)!.id;
  const exportId = deadId('nightly-export');
  const invoiceId = deadId('invoice-webhook');

  await page.goto(`${base}/dashboard#/dead-letters`);
  const exportRow = page.locator(`table.dead-runs tr[data-dead-run-id="${exportId}"]`);
  const invoiceRow = page.locator(`table.dead-runs tr[data-dead-run-id="${invoiceId}"]`);
  await exportRow.waitFor();
  await invoiceRow.waitFor();
  const cells = await exportRow.locator('th, td').allTextContents();
  expect(cells[0]).toContain('nightly-export');
  expect(cells[1]).toContain('http');
  expect(cells[1]).toContain(`${targetUrl}/export`);
  expect(cells[3]).toBe('2');
  expect(cells[4]).toContain('503');
  expect(cells[2]).not.toBe('–');
  expect(cells[5]).not.toBe('–');
  await shot('dead-runs');

  // Retry with the mouse; the target now accepts it.
  refused.delete('/export');
  await page.getByRole('button', { name: `Retry dead run ${exportId} of job nightly-export` }).click();
  const dialog = page.getByRole('dialog', {
    name: `Confirm: Retry dead run ${exportId} of job nightly-export`,
  });
  expect(await dialog.textContent()).toContain('nightly-export');
  await dialog.getByRole('button', { name: 'Yes, retry' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Retry dead run ${exportId} (job nightly-export): its first new attempt is due now.` })
    .waitFor();
  await exportRow.waitFor({ state: 'detached' });
  await api().get(`/v1/dead-runs/${exportId}`).set(key).expect(404);
  await api().post(`/v1/dead-runs/${exportId}/retry`).set(key).expect(409);
  await quiet(app, clock.now());
  await eventually('the retried delivery', async () =>
    deliveries.filter((d) => d === '/export').length === 3 ? true : undefined,
  );
  const runs = (await api().get('/v1/jobs/nightly-export/runs').set(key).expect(200)).body.items as Array<{
    outcome: string;
  }>;
  expect(runs.map((r) => r.outcome).sort()).toEqual(['error', 'error', 'success']);

  // Delete with the keyboard only: Enter opens the dialog on Cancel, Escape backs out, Shift+Tab
  // reaches the confirmation.
  const del = page.getByRole('button', { name: `Delete dead run ${invoiceId} of job invoice-webhook` });
  const delDialog = page.getByRole('dialog', {
    name: `Confirm: Delete dead run ${invoiceId} of job invoice-webhook`,
  });
  await del.focus();
  await page.keyboard.press('Enter');
  await delDialog.waitFor();
  expect(await page.locator(':focus').textContent()).toBe('Cancel');
  await page.keyboard.press('Escape');
  await delDialog.waitFor({ state: 'hidden' });
  await api().get(`/v1/dead-runs/${invoiceId}`).set(key).expect(200);
  await page.keyboard.press('Enter');
  await delDialog.waitFor();
  await page.keyboard.press('Shift+Tab');
  expect(await page.locator(':focus').textContent()).toBe('Yes, delete');
  await page.keyboard.press('Enter');
  await invoiceRow.waitFor({ state: 'detached' });
  await page
    .getByRole('status')
    .filter({ hasText: `Delete dead run ${invoiceId} (job invoice-webhook): discarded.` })
    .waitFor();
  expect(await page.locator(':focus').getAttribute('id')).toBe('runs-h');
  await api().get(`/v1/dead-runs/${invoiceId}`).set(key).expect(404);
  await api().delete(`/v1/dead-runs/${invoiceId}`).set(key).expect(409);
  const left = (await api().get('/v1/dead-runs').set(key).expect(200)).body.items as Array<{ id: string }>;
  expect(left.map((r) => r.id)).not.toContain(invoiceId);
  expect(deliveries.filter((d) => d === '/invoice')).toHaveLength(2);
  await page.getByText('No dead runs.').waitFor();
});

it('overview shows the fires, the relaying replicas with their shards and the dead letters', async () => {
  await page.goto(`${base}/dashboard#/overview`);
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  const relaying = page.locator('.stat', { hasText: 'Relaying replicas' });
  await relaying.filter({ hasText: 'admin-e2e-1 (16 of 16 shards)' }).waitFor({ timeout: 30_000 });
  await page
    .locator('tr', { hasText: 'admin-e2e-1 (this one)' })
    .filter({ hasText: 'all 16 shards' })
    .waitFor();
  await page.locator('.stat', { hasText: 'Fires' }).first().waitFor();
  await page.setViewportSize({ width: 1280, height: 900 });
  await shot('overview');
});
