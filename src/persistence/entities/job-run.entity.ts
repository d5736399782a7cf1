import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** scheduler_job_runs: one row per scheduled run (ran, missed or skipped), for admin reads. */
@Entity({ name: 'scheduler_job_runs' })
@Index('idx_scheduler_job_runs_job', ['jobId', 'id'])
export class JobRunEntity {
  /** BIGINT, read as a string so it never loses precision. */
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'job_id', type: 'varchar', length: 191 })
  jobId!: string;

  @Column({ name: 'scheduled_at', type: 'datetime', precision: 3 })
  scheduledAt!: Date;

  @Column({ name: 'started_at', type: 'datetime', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'varchar', length: 191 })
  owner!: string;
}
