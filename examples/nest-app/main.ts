import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { Scheduler } from 'delayed-action-service/scheduler';

import { AppModule } from './app.module';

/** A Nest app with no HTTP server: the scheduler starts on bootstrap and stops on SIGTERM. */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  const scheduler = app.get(Scheduler);
  // APScheduler's add_job: a one-shot job naming a registered action, run half a second from now.
  await scheduler.addJob({
    id: `greet-${process.env.REPLICA_ID ?? 'solo'}`,
    trigger: { type: 'date', runDate: new Date(Date.now() + 500).toISOString() },
    action: { handler: 'example.greet', args: { name: 'world' } },
    replaceExisting: true,
  });
  // The engine's timers do not hold the process open (like APScheduler's BackgroundScheduler):
  // this app has nothing else to do, so it stays up until SIGTERM/SIGINT closes it.
  const keepAlive = setInterval(() => undefined, 60_000);
  scheduler.on('scheduler.shutdown', () => {
    clearInterval(keepAlive);
    process.stdout.write(`${JSON.stringify({ event: 'stopped' })}\n`);
  });
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', jobs: (await scheduler.getJobs()).map((j) => j.id) })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
