import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); CHROMIUM_PATH overrides. */
function chromiumPath(): string {
  const candidate = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(candidate))
    throw new Error(
      `no Chromium at ${candidate}: install it with 'apt-get install chromium' (or set CHROMIUM_PATH); .ci/run installs it`,
    );
  return candidate;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

const ROOT = path.join(__dirname, '..', '..', '..');

/** Builds dist/dashboard (the service serves it) before the app under test starts. */
export function buildDashboard(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-dashboard.mjs')], { stdio: 'inherit' });
}

/** Screenshots go to docs/dashboard when UPDATE_SCREENSHOTS=1, to a temporary folder otherwise. */
export function screenshotDir(): string {
  const dir =
    process.env.UPDATE_SCREENSHOTS === '1'
      ? path.join(ROOT, 'docs', 'dashboard')
      : path.join(tmpdir(), 'dashboard-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Bytes transferred (headers + encoded bodies) while `load` runs, per request. */
export async function measureTransfer(
  page: Page,
  load: () => Promise<void>,
): Promise<Array<{ url: string; bytes: number }>> {
  const seen: Array<Promise<{ url: string; bytes: number }>> = [];
  const onFinished = (request: import('playwright-core').Request): void => {
    seen.push(
      request.sizes().then((s) => ({
        url: request.url(),
        bytes: s.responseBodySize + s.responseHeadersSize,
      })),
    );
  };
  page.on('requestfinished', onFinished);
  try {
    await load();
  } finally {
    page.off('requestfinished', onFinished);
  }
  return Promise.all(seen);
}
