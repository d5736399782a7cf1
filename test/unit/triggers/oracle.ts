import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApschedulerTriggerCase } from '../../../src/scheduler/triggers/apscheduler-params';

/** One line of test/fixtures/trigger-vectors.jsonl (APScheduler's own answers; see its README). */
export interface OracleCase extends ApschedulerTriggerCase {
  id: string;
  now: string | null;
  fires: string[];
  dst_edge: boolean;
  timezone: string;
  params: Record<string, unknown>;
  apscheduler3_fires?: string[];
}

export const ORACLE_PATH = join(__dirname, '../../fixtures/trigger-vectors.jsonl');

export function loadOracle(): OracleCase[] {
  return readFileSync(ORACLE_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OracleCase);
}
