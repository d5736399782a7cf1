import type { GuardBatch, GuardedEvents, RunCompletion, StoreTransaction } from './ports/job-store';

/**
 * The guarded groups of these completions whose guard passes. Batched guards are checked first,
 * one `check` call per batch with its items in completion order (a few statements for the whole
 * batch instead of a few per run); plain guards after, one by one in completion order.
 */
export async function passedGuards(
  completions: readonly RunCompletion[],
  tx: StoreTransaction,
): Promise<Set<GuardedEvents>> {
  const groups = completions.flatMap((c) => c.guarded ?? []);
  const passed = new Set<GuardedEvents>();
  const batches = new Map<GuardBatch<unknown>, GuardedEvents[]>();
  for (const group of groups) {
    if (typeof group.guard === 'function') continue;
    const members = batches.get(group.guard.batch) ?? [];
    members.push(group);
    batches.set(group.guard.batch, members);
  }
  for (const [batch, members] of batches) {
    const items = members.map((group) => (typeof group.guard === 'function' ? undefined : group.guard.item));
    const verdicts = await batch.check(tx, items);
    members.forEach((group, i) => {
      if (verdicts[i] === true) passed.add(group);
    });
  }
  for (const group of groups)
    if (typeof group.guard === 'function' && (await group.guard(tx))) passed.add(group);
  return passed;
}
