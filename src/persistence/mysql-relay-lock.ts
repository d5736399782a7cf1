import { createHash } from 'node:crypto';

import type { DataSource, QueryRunner } from 'typeorm';

import type { RelayLeadership } from '../messaging/relay-leadership';

/**
 * Relay leadership as a MySQL named lock (GET_LOCK) held on a connection of its own. The server
 * releases the lock when that connection dies, so a crashed or partitioned leader loses it without
 * any expiry to tune, and a standby replica's next `lead()` takes it over. `purpose` names the
 * lock, so other one-replica-at-a-time work (retention) elects its own leader.
 */
export class MySqlRelayLock implements RelayLeadership {
  private runner: QueryRunner | null = null;
  private lockName: string | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly purpose = 'outbox-relay',
  ) {}

  async lead(): Promise<boolean> {
    try {
      const runner = await this.connection();
      const name = await this.name(runner);
      // Still ours? (IS_USED_LOCK names the holding connection; ours may have been replaced.)
      const [held] = (await runner.query('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [
        name,
      ])) as Array<{
        mine: number | string | null;
      }>;
      if (Number(held?.mine) === 1) return true;
      const [got] = (await runner.query('SELECT GET_LOCK(?, 0) AS got', [name])) as Array<{
        got: number | string | null;
      }>;
      return Number(got?.got) === 1;
    } catch (error) {
      await this.drop();
      throw error;
    }
  }

  async release(): Promise<void> {
    const runner = this.runner;
    if (!runner || !this.lockName) return;
    // The app's pool may close first at shutdown; our connection closed with it, and the server
    // dropped the lock then: nothing is left to release.
    if (!this.dataSource.isInitialized) {
      this.runner = null;
      return;
    }
    try {
      await runner.query('DO RELEASE_LOCK(?)', [this.lockName]);
    } finally {
      await this.drop();
    }
  }

  private async connection(): Promise<QueryRunner> {
    if (this.runner && !this.runner.isReleased) return this.runner;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    this.runner = runner;
    return runner;
  }

  /** One lock per database: test databases (and tenants) on one server must not share a leader. */
  private async name(runner: QueryRunner): Promise<string> {
    if (this.lockName) return this.lockName;
    const [row] = (await runner.query('SELECT DATABASE() AS db')) as Array<{ db: string }>;
    const digest = createHash('sha256').update(String(row?.db)).digest('hex').slice(0, 40);
    this.lockName = `${this.purpose}:${digest}`;
    return this.lockName;
  }

  private async drop(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    if (runner && !runner.isReleased) await runner.release().catch(() => undefined);
  }
}
