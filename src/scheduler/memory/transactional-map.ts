import type { StoreTransaction } from '../ports/job-store';

const DELETED = Symbol('deleted');

/**
 * A domain table for the memory store: a Map whose writes, made inside a unit of work, stay
 * staged (visible to that transaction only) until it commits, and vanish if it rolls back. The
 * memory store runs one transaction at a time, so staged writes never meet each other.
 * Values are stored as given: store immutable values (replace, never mutate in place).
 */
export class TransactionalMap<K, V> {
  private readonly committed = new Map<K, V>();
  private readonly staged = new WeakMap<StoreTransaction, Map<K, V | typeof DELETED>>();

  /** The value as `tx` sees it (its own writes first). */
  get(tx: StoreTransaction, key: K): V | undefined {
    const own = this.staged.get(tx);
    if (!own?.has(key)) return this.committed.get(key);
    const value = own.get(key);
    return value === DELETED ? undefined : value;
  }

  set(tx: StoreTransaction, key: K, value: V): void {
    this.writes(tx).set(key, value);
  }

  delete(tx: StoreTransaction, key: K): void {
    this.writes(tx).set(key, DELETED);
  }

  /** Committed entries in insertion order (the memory store runs one transaction at a time). */
  committedEntries(): IterableIterator<[K, V]> {
    return this.committed.entries();
  }

  private writes(tx: StoreTransaction): Map<K, V | typeof DELETED> {
    let own = this.staged.get(tx);
    if (!own) {
      const writes = new Map<K, V | typeof DELETED>();
      own = writes;
      this.staged.set(tx, writes);
      tx.afterCommit(() => {
        for (const [k, v] of writes) {
          if (v === DELETED) this.committed.delete(k);
          else this.committed.set(k, v);
        }
      });
    }
    return own;
  }

  /** Committed state, outside any transaction (reads for diagnostics and tests). */
  peek(key: K): V | undefined {
    return this.committed.get(key);
  }

  get size(): number {
    return this.committed.size;
  }
}
