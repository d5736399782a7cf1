// Bundles the dashboard (dashboard/src, Preact + TSX) into dist/dashboard: index.html, app.js
// (minified ES module), app.css. Run by `npm run build`; the service serves these files itself.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'dashboard');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(root, 'dashboard', 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: path.join(out, 'app.js'),
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(path.join(root, 'dashboard', 'index.html'), path.join(out, 'index.html'));
copyFileSync(path.join(root, 'dashboard', 'app.css'), path.join(out, 'app.css'));
