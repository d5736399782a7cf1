import { MemoryProcessedCommands } from '../../../src/commands/processed-commands';
import { MemoryOrderStates, type NewOrderRow } from '../../../src/orders/order-states';
import type { OrderStatus } from '../../../src/orders/order-state';
import { FakeClock, MemoryJobStore, TransactionalMap } from '../../../src/scheduler';

// The memory counterparts of the domain tables' retention (the MySQL ones are in
// test/integration/retention/retention-month.mysql.spec.ts).

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (days: number): Date => new Date(T0.getTime() + days * 86_400_000);

function row(orderId: string, status: OrderStatus): NewOrderRow {
  return {
    orderId,
    status,
    runAt: null,
    cancelledAt: null,
    createdEventId: null,
    paidEventId: null,
    orderCreatedAt: null,
    paidAt: null,
  };
}

describe('MemoryOrderStates.prune', () => {
  const store = new MemoryJobStore({ clock: new FakeClock(T0) });

  it('deletes settled orders last changed before the cutoff, never a pending one, at most limit', async () => {
    const states = new MemoryOrderStates();
    const statuses: OrderStatus[] = ['pending', 'paid', 'cancelled', 'late_paid', 'paid_before_created'];
    await store.transaction(async (tx) => {
      await states.insert(
        tx,
        statuses.map((s) => row(`old-${s}`, s)),
        at(0),
      );
      await states.insert(
        tx,
        statuses.map((s) => row(`new-${s}`, s)),
        at(5),
      );
    });
    expect(await store.transaction((tx) => states.prune(tx, at(3), 2))).toBe(2);
    expect(await store.transaction((tx) => states.prune(tx, at(3), 100))).toBe(2);
    expect(await store.transaction((tx) => states.prune(tx, at(3), 100))).toBe(0);
    for (const s of statuses) {
      expect(await states.getStatus(`old-${s}`)).toBe(s === 'pending' ? 'pending' : null);
      expect(await states.getStatus(`new-${s}`)).toBe(s);
    }
    expect(states.size).toBe(6);
  });

  it('measures age from the last change: a cancelled order paid late is kept from its payment on', async () => {
    const states = new MemoryOrderStates();
    await store.transaction((tx) => states.insert(tx, [row('o1', 'cancelled')], at(0)));
    await store.transaction((tx) => states.update(tx, 'o1', { status: 'late_paid' }, at(4)));
    expect(await store.transaction((tx) => states.prune(tx, at(3), 10))).toBe(0);
    expect(await store.transaction((tx) => states.prune(tx, at(5), 10))).toBe(1);
  });

  it('deletes nothing when the unit of work rolls back', async () => {
    const states = new MemoryOrderStates();
    await store.transaction((tx) => states.insert(tx, [row('o1', 'paid')], at(0)));
    await expect(
      store.transaction(async (tx) => {
        await states.prune(tx, at(1), 10);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await states.getStatus('o1')).toBe('paid');
  });
});

describe('MemoryProcessedCommands.prune', () => {
  it('deletes records applied before the cutoff, at most limit; newer ones still dedupe', async () => {
    const store = new MemoryJobStore({ clock: new FakeClock(T0) });
    const processed = new MemoryProcessedCommands();
    const record = (ids: string[], when: Date) =>
      store.transaction((tx) =>
        processed.record(
          tx,
          ids.map((eventId) => ({ eventId, type: 'schedule' as const, jobId: eventId })),
          when,
        ),
      );
    await record(['a', 'b', 'c'], at(0));
    await record(['d'], at(2));
    expect(await store.transaction((tx) => processed.prune(tx, at(1), 2))).toBe(2);
    expect(await store.transaction((tx) => processed.prune(tx, at(1), 2))).toBe(1);
    expect(await store.transaction((tx) => processed.prune(tx, at(1), 2))).toBe(0);
    expect(processed.size).toBe(1);
    expect([...(await store.transaction((tx) => processed.applied(tx, ['a', 'd'])))]).toEqual(['d']);
  });
});

describe('TransactionalMap.delete', () => {
  it('hides the key from its own transaction at once and from everyone after commit', async () => {
    const store = new MemoryJobStore({ clock: new FakeClock(T0) });
    const map = new TransactionalMap<string, number>();
    await store.transaction(async (tx) => map.set(tx, 'k', 1));
    await store.transaction(async (tx) => {
      map.delete(tx, 'k');
      expect(map.get(tx, 'k')).toBeUndefined();
      expect(map.peek('k')).toBe(1);
    });
    expect(map.peek('k')).toBeUndefined();
    expect(map.size).toBe(0);
    await store.transaction(async (tx) => {
      map.delete(tx, 'k');
      map.set(tx, 'k', 2);
    });
    expect(map.peek('k')).toBe(2);
  });
});
