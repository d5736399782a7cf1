import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

import type { FromChild, ToChild } from './replica-protocol';

/** A forked worker process (replica-protocol.ts): started, watched for progress, stopped. */
export class Child {
  committed = 0;
  published = 0;
  private stopped: ((counters: Record<string, number>) => void) | null = null;

  private constructor(
    readonly label: string,
    private readonly proc: ChildProcess,
  ) {}

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /** Fork `script` (a sibling .js of this file), send it `config`, resolve once it is ready. */
  static start(script: string, label: string, config: unknown): Promise<Child> {
    // BENCH_CHILD_NODE_ARGS: extra node flags for the workers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const execArgv = [
      ...process.execArgv,
      ...(process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ];
    const proc = fork(path.join(__dirname, script), [], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child = new Child(label, proc);
    return new Promise((resolve, reject) => {
      proc.on('message', (message: FromChild) => {
        if (message.type === 'ready') resolve(child);
        else if (message.type === 'progress') {
          child.committed = message.committed;
          child.published = message.published;
        } else if (message.type === 'stopped') child.stopped?.(message.counters);
        else if (message.type === 'failed') reject(new Error(`${label} failed: ${message.error}`));
      });
      proc.on('exit', (code) => {
        child.stopped?.({});
        reject(new Error(`${label} exited with ${code}`));
      });
      const start: ToChild = { type: 'start', config: config as never };
      proc.send(start);
    });
  }

  stop(timeoutMs = 60_000): Promise<Record<string, number>> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve({ killed: 1 });
      }, timeoutMs);
      this.stopped = (counters) => {
        clearTimeout(timer);
        resolve(counters);
      };
      const stop: ToChild = { type: 'stop' };
      if (this.proc.connected) this.proc.send(stop);
      else resolve({});
    });
  }
}
