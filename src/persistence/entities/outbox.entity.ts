import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** scheduler_outbox: events committed with runs, waiting for (or already through) the relay. */
@Entity({ name: 'scheduler_outbox' })
@Index('idx_scheduler_outbox_unsent', ['sentAt', 'id'])
@Index('idx_scheduler_outbox_dead', ['deadAt', 'id'])
export class OutboxEntity {
  /** BIGINT AUTO_INCREMENT: insertion order, read as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Index('uq_scheduler_outbox_event', { unique: true })
  @Column({ name: 'event_id', type: 'char', length: 36 })
  eventId!: string;

  @Column({ type: 'varchar', length: 249 })
  topic!: string;

  @Column({ name: 'msg_key', type: 'text', nullable: true })
  key!: string | null;

  /** The JSON text of the event value, exactly as the run produced it. */
  @Column({ type: 'longtext' })
  value!: string;

  @Column({ type: 'json' })
  headers!: Record<string, string>;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt!: Date | null;

  /** Failed publishes for a reason retrying will not fix soon (unknown topic, too large, not authorized). */
  @Column({ type: 'int', unsigned: true, default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 1024, nullable: true })
  lastError!: string | null;

  @Column({ name: 'first_failed_at', type: 'datetime', precision: 3, nullable: true })
  firstFailedAt!: Date | null;

  /** Dead-lettered (sent_at is set to the same time: the relay is done with the row). */
  @Column({ name: 'dead_at', type: 'datetime', precision: 3, nullable: true })
  deadAt!: Date | null;
}
