import { OUTBOX_SHARD_COUNT, relayShardsText } from '../../../dashboard/src/relay-shards';
import { ALL_OUTBOX_SHARDS, OUTBOX_SHARDS } from '../../../src/scheduler';

describe('the overview’s relay shards', () => {
  it('counts the shards the engine has', () => {
    expect(OUTBOX_SHARD_COUNT).toBe(OUTBOX_SHARDS);
  });

  it('says which shards a replica relays', () => {
    expect(relayShardsText([])).toBe('no');
    expect(relayShardsText([1, 4, 7])).toBe('shards 1, 4, 7');
    expect(relayShardsText([...ALL_OUTBOX_SHARDS])).toBe('all 16 shards');
  });
});
