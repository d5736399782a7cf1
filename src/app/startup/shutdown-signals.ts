import type { INestApplicationContext } from '@nestjs/common';

/**
 * The signals that stop the service gracefully (every module's shutdown hooks: stop consuming,
 * finish runs, flush the outbox): an orchestrator's SIGTERM, a terminal's SIGINT and SIGHUP.
 * Nest's default list also takes SIGUSR2 and the fault signals; SIGUSR2 is how an operator asks
 * Node for a heap snapshot (`node --heapsnapshot-signal=SIGUSR2`), which must not stop the service.
 */
export const SHUTDOWN_SIGNALS: readonly string[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export function enableGracefulShutdown(app: INestApplicationContext): void {
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
}
