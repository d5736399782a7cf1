import type { BenchTopics } from '../plan';

/** Messages between the orchestrator and a forked peer worker process (BullMQ's). */

export interface BullWorkerConfig {
  redisPort: number;
  queue: string;
  concurrency: number;
  topics: BenchTopics;
}

export type ToChild = { type: 'start'; config: BullWorkerConfig } | { type: 'stop' };

export type FromChild =
  | { type: 'ready' }
  | { type: 'progress'; committed: number; published: number }
  | { type: 'stopped'; counters: Record<string, number> }
  | { type: 'failed'; error: string };

/** Report progress to the parent every 250 ms. */
export function reportProgress(read: () => { committed: number; published: number }): NodeJS.Timeout {
  const timer = setInterval(() => send({ type: 'progress', ...read() }), 250);
  timer.unref();
  return timer;
}

export function send(message: FromChild): void {
  process.send?.(message);
}

/** Run `main` on the first 'start' message; exits the process when it has stopped. */
export function onStart<C>(main: (config: C) => Promise<() => Promise<Record<string, number>>>): void {
  let stop: (() => Promise<Record<string, number>>) | null = null;
  process.on('message', (message: ToChild) => {
    if (message.type === 'start') {
      main(message.config as C).then(
        (stopper) => {
          stop = stopper;
          send({ type: 'ready' });
        },
        (error: unknown) => fail(error),
      );
    } else if (message.type === 'stop') {
      const stopping = stop ?? (async () => ({}));
      stopping().then(
        (counters) => {
          send({ type: 'stopped', counters });
          setTimeout(() => process.exit(0), 50);
        },
        (error: unknown) => fail(error),
      );
    }
  });
  process.on('disconnect', () => process.exit(0));
}

function fail(error: unknown): void {
  send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  setTimeout(() => process.exit(1), 50);
}
