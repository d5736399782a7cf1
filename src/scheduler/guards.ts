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
  const batches = new Map<GuardBatch<unknown>, { members: GuardedEvents[]; items: unknown[] }>();
  for (const group of groups) {
    if (typeof group.guard === 'function') continue;
    const { batch, item } = group.guard;
    const entry = batches.get(batch) ?? { members: [], items: [] };
    entry.members.push(group);
    entry.items.push(item);
    batches.set(batch, entry);
  }
  for (const [batch, { members, items }] of batches) {
    const verdicts = await batch.check(tx, items);
    members.forEach((group, i) => {
      if (verdicts[i] === true) passed.add(group);
    });
  }
  for (const group of groups)
    if (typeof group.guard === 'function' && (await group.guard(tx))) passed.add(group);
  return passed;
}
