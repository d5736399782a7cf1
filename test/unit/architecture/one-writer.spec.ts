import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// DESIGN section 5: the store adapter is the only code that names the scheduler's tables; domain
// code joins a unit of work through the JobStore port instead.

const ROOT = join(__dirname, '../../..');
const STORE_ADAPTER = 'src/persistence/';
// In SQL position (a metric may be called scheduler_jobs).
const TABLE = /\b(from|into|update|join|table|delete)\s+(`?\w+`?\.)?`?scheduler_\w+/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

it('no source file outside the store adapter names a scheduler_* table', () => {
  const files = sourceFiles(join(ROOT, 'src'));
  expect(files.length).toBeGreaterThan(50);
  const offenders = files.filter(
    (file) => !file.startsWith(STORE_ADAPTER) && TABLE.test(readFileSync(join(ROOT, file), 'utf8')),
  );
  expect(offenders).toEqual([]);
});

it('the check sees a table name where one is written', () => {
  expect(TABLE.test('SELECT lease_owner FROM scheduler_jobs WHERE id = ?')).toBe(true);
  expect(TABLE.test('INSERT INTO `scheduler_outbox` (event_id) VALUES ?')).toBe(true);
  expect(TABLE.test("name: 'scheduler_jobs'")).toBe(false);
});
