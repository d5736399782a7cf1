import type { DataSource, QueryRunner } from 'typeorm';

import type { RelayShares } from '../messaging/relay-leadership';
import { ALL_OUTBOX_SHARDS, OUTBOX_SHARDS } from '../scheduler';
import { LockConnection } from './lock-connection';

/** Replicas that can share the relay; past that many, the others stand by. */
export const MAX_RELAY_MEMBERS = 32;

type LockRow = Record<string, number | string | null>;

/**
 * The outbox shards split between replicas with MySQL named locks (GET_LOCK), all held on one
 * connection of this replica's own (LockConnection), so the server drops them when the replica
 * dies and no expiry needs tuning. Which shards it holds is read from the server on every claim.
 *
 * - Membership: each replica holds the lowest free `…:m<k>` lock. The members are the held ones;
 *   a replica's rank is its place among them, and its fair share is the shards `i` with
 *   `i % members === rank`.
 * - Shards: a replica relays shard `i` only while it holds `…:s<i>`. Over its share it releases
 *   (between rounds, with nothing in flight); under it, it takes free ones. A shard released by one
 *   is taken by another on its next claim, so a key is never relayed by two at once.
 * - Rolling upgrade: the one-relay versions lead with the bare `outbox-relay:<db>` lock. While a
 *   non-member holds it, members stand by; a member holds it otherwise, so those versions stand by.
 */
export class MySqlRelayShares implements RelayShares {
  private readonly connection: LockConnection;
  private member: number | null = null;

  constructor(dataSource: DataSource) {
    // The prefix is the lock the one-relay versions led with (MySqlRelayLock's default purpose).
    this.connection = new LockConnection(dataSource, 'outbox-relay');
  }

  async claim(): Promise<number[]> {
    try {
      // A new connection holds none of the locks: join again.
      const runner = await this.connection.open(() => (this.member = null));
      const prefix = await this.connection.lockName(runner);
      this.member ??= await this.join(runner, prefix);
      if (this.member === null) return [];
      const look = await this.look(runner, prefix, this.member);
      if (!look.stillMember) {
        // Our locks went with a connection the pool replaced: start over on this one.
        this.member = null;
        return [];
      }
      const held = [...look.ours];
      if (look.oneRelayVersion) {
        await this.releaseShards(runner, prefix, held);
        return [];
      }
      const rank = look.members.indexOf(this.member);
      const wanted = (i: number): boolean => i % look.members.length === rank;
      await this.releaseShards(
        runner,
        prefix,
        held.filter((i) => !wanted(i)),
      );
      const free = ALL_OUTBOX_SHARDS.filter((i) => wanted(i) && !look.ours.has(i) && !look.taken.has(i));
      const got = await this.take(runner, prefix, free, !look.legacyHeld);
      return [...held.filter(wanted), ...got].sort((a, b) => a - b);
    } catch (error) {
      this.member = null;
      await this.connection.close();
      throw error;
    }
  }

  release(): Promise<void> {
    this.member = null;
    return this.connection.release();
  }

  /** Takes the lowest free member lock; null when every one is held. */
  private async join(runner: QueryRunner, prefix: string): Promise<number | null> {
    for (let k = 0; k < MAX_RELAY_MEMBERS; k++) {
      const [row] = (await runner.query('SELECT GET_LOCK(?, 0) AS got', [`${prefix}:m${k}`])) as LockRow[];
      if (Number(row?.got) === 1) return k;
    }
    return null;
  }

  /** Who holds what, in one statement: member locks, shard locks, and the one-relay lock. */
  private async look(
    runner: QueryRunner,
    prefix: string,
    member: number,
  ): Promise<{
    members: number[];
    stillMember: boolean;
    ours: Set<number>;
    taken: Set<number>;
    legacyHeld: boolean;
    oneRelayVersion: boolean;
  }> {
    const memberNames = Array.from({ length: MAX_RELAY_MEMBERS }, (_, k) => `${prefix}:m${k}`);
    const shardNames = Array.from({ length: OUTBOX_SHARDS }, (_, i) => `${prefix}:s${i}`);
    const columns = [
      ...memberNames.map((_, k) => `IS_USED_LOCK(?) AS m${k}`),
      ...shardNames.map((_, i) => `IS_USED_LOCK(?) AS s${i}`),
      'IS_USED_LOCK(?) AS legacy',
      'CONNECTION_ID() AS me',
    ];
    const [row = {}] = (await runner.query(`SELECT ${columns.join(', ')}`, [
      ...memberNames,
      ...shardNames,
      prefix,
    ])) as LockRow[];
    const me = String(row.me);
    const memberConnections = new Set<string>();
    const members: number[] = [];
    memberNames.forEach((_, k) => {
      const holder = row[`m${k}`];
      if (holder === null || holder === undefined) return;
      members.push(k);
      memberConnections.add(String(holder));
    });
    // Our member lock still held by this connection (not lost with one the pool replaced)?
    const stillMember = String(row[`m${member}`]) === me;
    const ours = new Set<number>();
    const taken = new Set<number>();
    shardNames.forEach((_, i) => {
      const holder = row[`s${i}`];
      if (holder === null || holder === undefined) return;
      (String(holder) === me ? ours : taken).add(i);
    });
    const legacy = row.legacy;
    const legacyHeld = legacy !== null && legacy !== undefined;
    return {
      members,
      stillMember,
      ours,
      taken,
      legacyHeld,
      oneRelayVersion: legacyHeld && !memberConnections.has(String(legacy)),
    };
  }

  private async releaseShards(runner: QueryRunner, prefix: string, shards: number[]): Promise<void> {
    if (shards.length === 0) return;
    await runner.query(
      `DO ${shards.map(() => 'RELEASE_LOCK(?)').join(', ')}`,
      shards.map((i) => `${prefix}:s${i}`),
    );
  }

  /**
   * Tries each free shard's lock (and the one-relay lock, to keep those versions standing by);
   * returns the shards it got.
   */
  private async take(
    runner: QueryRunner,
    prefix: string,
    shards: number[],
    legacyToo: boolean,
  ): Promise<number[]> {
    const names = [...shards.map((i) => `${prefix}:s${i}`), ...(legacyToo ? [prefix] : [])];
    if (names.length === 0) return [];
    const [row = {}] = (await runner.query(
      `SELECT ${names.map((_, n) => `GET_LOCK(?, 0) AS g${n}`).join(', ')}`,
      names,
    )) as LockRow[];
    return shards.filter((_, n) => Number(row[`g${n}`]) === 1);
  }
}
