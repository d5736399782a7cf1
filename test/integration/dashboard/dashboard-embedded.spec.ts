import type { Browser, Page } from 'playwright-core';
import request from 'supertest';

import { API_KEY, createAdminTestApp, type AdminTestApp } from '../../unit/admin/admin-app';
import { buildDashboard, launchBrowser } from './browser';

// The same dashboard in embedded mode (memory store and bus, no MariaDB or Kafka): sign in, the
// overview, and an order injected over REST followed to its cancel in the browser.

// Budget: Chromium start and a few page loads.
jest.setTimeout(120_000);

let t: AdminTestApp;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  buildDashboard();
  browser = await launchBrowser();
  t = await createAdminTestApp();
  await t.app.listen(0, '127.0.0.1');
  base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await t?.app.close();
});

it('signs in, shows the overview and follows an order to its cancel', async () => {
  await page.goto(`${base}/dashboard`);
  await page.getByLabel('Admin API key').fill(API_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.getByRole('rowheader', { name: 'orders.created' }).waitFor();
  await page
    .locator('.stat', { hasText: 'Relaying replica' })
    .filter({ hasText: t.scheduler.owner })
    .waitFor();

  await request(t.app.getHttpServer())
    .post('/v1/events/orders.created')
    .set('x-api-key', API_KEY)
    .send({
      orderId: 'o-embedded',
      createdAt: '2026-03-27T00:00:30Z',
      items: [{ skuId: 's', quantity: 1 }],
      paymentTimeoutSeconds: 60,
    })
    .expect(202);
  await page.goto(`${base}/dashboard#/orders/o-embedded`);
  await page.getByTestId('order-stage').filter({ hasText: 'pending' }).waitFor({ timeout: 30_000 });
  await t.clock.setAsync('2026-03-27T00:02:00Z');
  await page.getByTestId('order-stage').filter({ hasText: 'cancelled' }).waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('order-events').textContent()).toContain('orders.cancel');
});
