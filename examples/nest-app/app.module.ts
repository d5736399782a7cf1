import { Module } from '@nestjs/common';
import { SchedulerModule } from 'delayed-action-service/nest';

import { Reports } from './reports';

/**
 * The scheduler module against the memory store, or MariaDB/MySQL when DATABASE_URL is set (the
 * module runs the migrations; replicas sharing the database fire each due run once).
 */
@Module({
  imports: [
    SchedulerModule.forRoot({
      store: process.env.DATABASE_URL
        ? { type: 'mysql', url: process.env.DATABASE_URL, migrate: true }
        : 'memory',
      scheduler: { owner: process.env.REPLICA_ID, maxPollMs: 200 },
      jobs: { version: Number(process.env.JOBS_VERSION ?? 1) },
    }),
  ],
  providers: [Reports],
})
export class AppModule {}
