import type { DataSource } from 'typeorm';

import type { RelayLeadership } from '../messaging/relay-leadership';
import { LockConnection } from './lock-connection';

/**
 * Leadership as a MySQL named lock held on a connection of its own (LockConnection): a crashed or
 * partitioned leader loses it with its connection, and a standby replica's next `lead()` takes it
 * over. `purpose` names the lock, so each one-replica-at-a-time job (retention) elects its own
 * leader; `outbox-relay` is the lock the one-relay versions of the outbox relay led with.
 */
export class MySqlRelayLock implements RelayLeadership {
  private readonly connection: LockConnection;

  constructor(dataSource: DataSource, purpose = 'outbox-relay') {
    this.connection = new LockConnection(dataSource, purpose);
  }

  async lead(): Promise<boolean> {
    try {
      const runner = await this.connection.open();
      const name = await this.connection.lockName(runner);
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
      await this.connection.close();
      throw error;
    }
  }

  release(): Promise<void> {
    return this.connection.release();
  }
}
