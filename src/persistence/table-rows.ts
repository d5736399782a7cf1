import type { DataSource } from 'typeorm';

const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

/**
 * Rows per table of the service's database, as InnoDB estimates them (information_schema
 * TABLE_ROWS: cheap, never a scan; off by up to tens of percent, refreshed by the server's own
 * statistics). MySQL 8 caches them for a day unless the session asks for fresh ones; MariaDB has
 * no such cache (nor the variable).
 */
export async function tableRowEstimates(dataSource: DataSource): Promise<Record<string, number>> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SET SESSION information_schema_stats_expiry = 0').catch((error: unknown) => {
      if ((error as { errno?: number }).errno !== ER_UNKNOWN_SYSTEM_VARIABLE) throw error;
    });
    const rows = (await runner.query(
      "SELECT TABLE_NAME AS name, TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
    )) as Array<{ name: string; n: number | string | null }>;
    return Object.fromEntries(rows.map((row) => [row.name, Number(row.n ?? 0)]));
  } finally {
    await runner.release();
  }
}
