import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'examples', 'nest-app', 'main.js');

/**
 * Builds examples/ as a user would (tsc, importing the library by its package name, which resolves
 * through package.json `exports` to dist/): about 10 s.
 */
export function buildExamples(): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'examples/tsconfig.json'],
    {
      cwd: ROOT,
      stdio: 'pipe',
    },
  );
}

export interface ExampleProcess {
  child: ChildProcess;
  /** Every JSON line printed so far (other output, e.g. TypeORM's migration notes, is skipped). */
  lines: Array<Record<string, unknown>>;
  /** Resolves once `count` lines match, or rejects after `timeoutMs` of real time. */
  waitFor(
    match: (line: Record<string, unknown>) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<void>;
  /** SIGTERM; resolves with the exit code, or the signal that ended it (Nest re-raises SIGTERM after closing). */
  stop(): Promise<number | string | null>;
}

export function startExample(env: Record<string, string> = {}): ExampleProcess {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts)
      if (part.startsWith('{')) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  return {
    child,
    lines,
    async waitFor(match, count = 1, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (lines.filter(match).length < count) {
        if (child.exitCode !== null) throw new Error(`the example exited (${child.exitCode}): ${stderr}`);
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${count} matching lines; got ${JSON.stringify(lines)} ${stderr}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
