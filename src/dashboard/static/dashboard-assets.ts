import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The files the build writes (scripts/build-dashboard.mjs); nothing else is ever served. */
export const DASHBOARD_FILES = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
} as const;

export type DashboardFile = keyof typeof DASHBOARD_FILES;

export interface DashboardAsset {
  body: Buffer;
  /** The same bytes gzipped once at start, for clients that accept it. */
  gzipped: Buffer;
  contentType: string;
  etag: string;
}

/** dist/dashboard under the project root (found from this file, in src/ under ts-jest or dist/src/). */
function dashboardDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'dashboard');
}

/** Reads the built files once; null when the dashboard was not built. */
export function loadDashboardAssets(dir = dashboardDir()): Map<DashboardFile, DashboardAsset> | null {
  const assets = new Map<DashboardFile, DashboardAsset>();
  for (const [name, contentType] of Object.entries(DASHBOARD_FILES) as Array<[DashboardFile, string]>) {
    const file = path.join(dir, name);
    if (!existsSync(file)) return null;
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(name, { body, gzipped: gzipSync(body, { level: 9 }), contentType, etag });
  }
  return assets;
}
