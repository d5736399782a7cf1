import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every id column (job, order, command event) compares byte for byte, trailing spaces included:
 * utf8mb4_bin is PAD SPACE, so 'padx' = 'padx  ' and two ids would share one row. MariaDB's
 * utf8mb4_nopad_bin and MySQL 8's utf8mb4_0900_bin are NO PAD binary collations.
 * Only the columns that exist are altered, each keeping its type, length and nullability (read
 * from information_schema), so this does not depend on the order of other migrations.
 */
const ID_COLUMNS: ReadonlyArray<readonly [table: string, column: string]> = [
  ['scheduler_jobs', 'id'],
  ['scheduler_job_runs', 'job_id'],
  ['scheduler_outbox', 'job_id'],
  ['scheduler_dead_runs', 'job_id'],
  ['order_states', 'order_id'],
  ['order_states', 'created_event_id'],
  ['order_states', 'paid_event_id'],
  ['processed_commands', 'event_id'],
  ['processed_commands', 'job_id'],
];

interface ColumnInfo {
  COLUMN_TYPE: string;
  IS_NULLABLE: 'YES' | 'NO';
  CHARACTER_SET_NAME: string | null;
}

async function byteExactCollation(queryRunner: QueryRunner): Promise<string> {
  const [row] = (await queryRunner.query('SELECT VERSION() AS v')) as Array<{ v: string }>;
  return row && /mariadb/i.test(row.v) ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
}

async function recollate(queryRunner: QueryRunner, collation: string): Promise<void> {
  for (const [table, column] of ID_COLUMNS) {
    const [info] = (await queryRunner.query(
      `SELECT COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
      [table, column],
    )) as ColumnInfo[];
    // Not there (another change adds it) or not text (nothing to collate).
    if (!info || info.CHARACTER_SET_NAME !== 'utf8mb4') continue;
    const nullability = info.IS_NULLABLE === 'YES' ? 'NULL' : 'NOT NULL';
    await queryRunner.query(
      `ALTER TABLE \`${table}\` MODIFY \`${column}\` ${info.COLUMN_TYPE} CHARACTER SET utf8mb4 COLLATE ${collation} ${nullability}`,
    );
  }
}

export class ByteExactIds1765200000000 implements MigrationInterface {
  name = 'ByteExactIds1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await recollate(queryRunner, await byteExactCollation(queryRunner));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await recollate(queryRunner, 'utf8mb4_bin');
  }
}
