import type { DataSource } from 'typeorm';

import type { SchedulerStateStore } from '../scheduler/ports/scheduler-state';
import { toSqlTime } from './sql-time';

/** The scheduler-wide pause flag in MySQL (table scheduler_state, one row); its only writer. */
export class MySqlSchedulerState implements SchedulerStateStore {
  constructor(private readonly dataSource: DataSource) {}

  async isPaused(): Promise<boolean> {
    const rows = (await this.dataSource.query('SELECT paused FROM scheduler_state WHERE id = 1')) as Array<{
      paused: number;
    }>;
    return rows.length > 0 && Number(rows[0].paused) === 1;
  }

  async setPaused(paused: boolean, at: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO scheduler_state (id, paused, changed_at) VALUES (1, ?, ?)
       ON DUPLICATE KEY UPDATE paused = VALUES(paused), changed_at = VALUES(changed_at)`,
      [paused ? 1 : 0, toSqlTime(at)],
    );
  }
}
