/** The outbox's shards (the engine's OUTBOX_SHARDS; a unit test keeps the two equal). */
export const OUTBOX_SHARD_COUNT = 16;

/** A replica's part of the outbox relay, for the overview's replica table. */
export function relayShardsText(shards: number[]): string {
  if (shards.length === 0) return 'no';
  if (shards.length === OUTBOX_SHARD_COUNT) return `all ${OUTBOX_SHARD_COUNT} shards`;
  return `shards ${shards.join(', ')}`;
}
