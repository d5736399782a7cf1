import { createHash } from 'node:crypto';

import type { DataSource, QueryRunner } from 'typeorm';

/**
 * A connection of its own for MySQL named locks (GET_LOCK). The server releases a connection's
 * locks when it dies, so a crashed or partitioned replica loses them without any expiry to tune.
 * Locks are named `<purpose>:<digest of the database name>`: test databases (and tenants) on one
 * server must not share them.
 */
export class LockConnection {
  private runner: QueryRunner | null = null;
  private prefix: string | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly purpose: string,
  ) {}

  /** The open connection, or a new one (holding no lock yet; `onNew` runs first then). */
  async open(onNew?: () => void): Promise<QueryRunner> {
    if (this.runner && !this.runner.isReleased) return this.runner;
    onNew?.();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    this.runner = runner;
    return runner;
  }

  /** `<purpose>:<digest>`, the name of this purpose's lock (and the prefix of its numbered ones). */
  async lockName(runner: QueryRunner): Promise<string> {
    if (this.prefix) return this.prefix;
    const [row] = (await runner.query('SELECT DATABASE() AS db')) as Array<{ db: string }>;
    const digest = createHash('sha256').update(String(row?.db)).digest('hex').slice(0, 40);
    this.prefix = `${this.purpose}:${digest}`;
    return this.prefix;
  }

  /**
   * Releases every lock this connection holds, then closes it. Nothing to release when no
   * connection is open, or when the app's pool closed first at shutdown: our connection closed
   * with it, and the server dropped the locks then.
   */
  async release(): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    if (!this.dataSource.isInitialized) {
      this.runner = null;
      return;
    }
    try {
      await runner.query('DO RELEASE_ALL_LOCKS()');
    } finally {
      await this.close();
    }
  }

  /** Closes the connection (after a failure: its locks go with it). */
  async close(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    if (runner && !runner.isReleased) await runner.release().catch(() => undefined);
  }
}
