import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

import { Redis } from 'ioredis';

export type RedisPersistence = 'aof-everysec' | 'none';

function have(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** redis-server from Debian's package, installed with apt when missing. */
export function ensureRedisInstalled(log: (line: string) => void): void {
  if (have('redis-server')) return;
  log('installing redis-server (apt-get)…');
  try {
    execFileSync('apt-get', ['install', '-y', 'redis-server'], { stdio: 'ignore' });
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', 'redis-server'], { stdio: 'ignore' });
  }
}

/** The benchmark's own Redis on a loopback port, under ~/.cache/delayed-action/bench-redis, started and stopped by the bench. */
export class BenchRedis {
  private proc: ChildProcess | null = null;
  readonly dir: string;

  constructor(
    readonly port: number,
    readonly persistence: RedisPersistence,
  ) {
    this.dir = path.join(
      process.env.DELAYED_ACTION_CACHE ?? path.join(homedir(), '.cache', 'delayed-action'),
      'bench-redis',
    );
  }

  get pid(): number {
    return this.proc?.pid ?? 0;
  }

  version(): string {
    return execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim();
  }

  async start(): Promise<void> {
    this.stopStale();
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--pidfile',
      path.join(this.dir, 'redis.pid'),
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--appendonly',
      this.persistence === 'aof-everysec' ? 'yes' : 'no',
      '--appendfsync',
      'everysec',
      '--logfile',
      path.join(this.dir, 'redis.log'),
    ];
    this.proc = spawn('redis-server', args, { stdio: 'ignore' });
    const proc = this.proc;
    // The bench stopped from outside (main.ts turns SIGINT/SIGTERM into exit) must not leave it behind.
    process.on('exit', () => proc.kill('SIGKILL'));
    for (let i = 0; i < 100; i++) {
      if (await this.ping()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`redis-server did not answer on 127.0.0.1:${this.port} (log: ${this.dir}/redis.log)`);
  }

  client(): Redis {
    return new Redis({ host: '127.0.0.1', port: this.port, maxRetriesPerRequest: null, lazyConnect: false });
  }

  private async ping(): Promise<boolean> {
    const c = new Redis({ host: '127.0.0.1', port: this.port, lazyConnect: true, retryStrategy: () => null });
    c.on('error', () => {});
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  }

  /** A Redis this bench left running (crashed run): only the one whose pid file is in our own dir. */
  private stopStale(): void {
    const file = path.join(this.dir, 'redis.pid');
    if (!existsSync(file)) return;
    const pid = Number(readFileSync(file, 'utf8').trim());
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('redis-server'))
        process.kill(pid, 'SIGTERM');
    } catch {
      // gone already
    }
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
    this.proc = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
