import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import type { ActionSpec } from '../../scheduler/job';
import type { TriggerSpec } from '../../scheduler/triggers/trigger';

/** scheduler_jobs, for admin reads and other cold paths; the store's hot paths use raw SQL. */
@Entity({ name: 'scheduler_jobs' })
@Index('idx_scheduler_jobs_due', ['nextRunTime', 'id'])
export class JobEntity {
  @PrimaryColumn({ type: 'varchar', length: 191 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'json' })
  trigger!: TriggerSpec;

  @Column({ type: 'json' })
  action!: ActionSpec;

  @Column({ name: 'misfire_grace_time', type: 'double', nullable: true })
  misfireGraceTime!: number | null;

  @Column({ type: 'boolean' })
  coalesce!: boolean;

  @Column({ name: 'max_instances', type: 'int', unsigned: true })
  maxInstances!: number;

  @Column({ type: 'boolean' })
  paused!: boolean;

  @Column({ name: 'next_run_time', type: 'datetime', precision: 3, nullable: true })
  nextRunTime!: Date | null;

  @Column({ name: 'lease_owner', type: 'varchar', length: 191, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_expiry', type: 'datetime', precision: 3, nullable: true })
  leaseExpiry!: Date | null;

  /** 1 while a replica holds the lease (runs in flight), else 0. */
  @Column({ type: 'int', unsigned: true })
  running!: number;

  @Column({ type: 'int', unsigned: true })
  version!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
