import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * service_replicas: each replica's heartbeat (every few seconds): when it was seen, whether its
 * outbox relay leads, the leases it holds and its last hour of activity (JSON, about 10 KB), so
 * the dashboard on any replica can show all of them. Written only by
 * src/persistence/mysql-replica-registry.ts; rows of replicas silent for a day are pruned.
 */
export class ServiceReplicas1764700000000 implements MigrationInterface {
  name = 'ServiceReplicas1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE service_replicas (
        replica_id VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
        started_at DATETIME(3) NOT NULL,
        seen_at DATETIME(3) NOT NULL,
        relay_leader TINYINT(1) NOT NULL DEFAULT 0,
        leases_held INT UNSIGNED NOT NULL DEFAULT 0,
        report JSON NOT NULL,
        PRIMARY KEY (replica_id),
        KEY idx_service_replicas_seen (seen_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE service_replicas');
  }
}
