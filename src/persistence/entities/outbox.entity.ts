import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** scheduler_outbox: events committed with runs, waiting for (or already through) the relay. */
@Entity({ name: 'scheduler_outbox' })
@Index('idx_scheduler_outbox_unsent', ['sentAt', 'id'])
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
}
