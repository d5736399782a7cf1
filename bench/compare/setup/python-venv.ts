import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** What the APScheduler side and the chart need, pinned to the series the issue names. */
export const PYTHON_REQUIREMENTS = ['apscheduler==3.11.*', 'SQLAlchemy', 'PyMySQL', 'matplotlib'];

/**
 * A virtualenv under ~/.cache/delayed-action/bench-venv with PYTHON_REQUIREMENTS, created and
 * filled on first use (and again when the list changes). Returns its python.
 */
export function ensureVenv(log: (line: string) => void): string {
  const cache = process.env.DELAYED_ACTION_CACHE ?? path.join(homedir(), '.cache', 'delayed-action');
  const venv = path.join(cache, 'bench-venv');
  const python = path.join(venv, 'bin', 'python');
  const marker = path.join(venv, 'bench-requirements.txt');
  const wanted = PYTHON_REQUIREMENTS.join('\n');
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return python;
  log(`setting up ${venv} (${PYTHON_REQUIREMENTS.join(', ')})…`);
  if (!existsSync(python)) {
    try {
      execFileSync('python3', ['-m', 'venv', venv], { stdio: 'ignore' });
    } catch {
      execFileSync('apt-get', ['install', '-y', 'python3-venv'], { stdio: 'ignore' });
      execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    }
  }
  execFileSync(python, ['-m', 'pip', 'install', '-q', ...PYTHON_REQUIREMENTS], { stdio: 'inherit' });
  writeFileSync(marker, wanted);
  return python;
}

export function pythonPackageVersion(python: string, name: string): string {
  return execFileSync(python, ['-c', `import importlib.metadata as m; print(m.version('${name}'))`], {
    encoding: 'utf8',
  }).trim();
}
