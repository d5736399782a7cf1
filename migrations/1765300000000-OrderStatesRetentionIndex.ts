import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention finds settled orders (every status but pending) by age: an index range scan on
 * (status, updated_at) that stops at the batch size, however many orders are pending or recent.
 */
export class OrderStatesRetentionIndex1765300000000 implements MigrationInterface {
  name = 'OrderStatesRetentionIndex1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE order_states ADD KEY idx_order_states_status_updated (status, updated_at)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE order_states DROP KEY idx_order_states_status_updated');
  }
}
