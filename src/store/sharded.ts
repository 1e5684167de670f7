// A Map split into a fixed number of shards by a hash of the key. V8 resizes a Map all at once:
// crossing 2^20 entries rehashes every entry in one go (measured: 82 ms; 169 ms at 2^21), and
// so does shrinking after deletes. Redis avoids such stalls with incremental rehashing; here
// each shard holds 1/1024 of the keys, so a resize touches that many, and never stalls the loop.

/** Number of shards; a power of two. */
export const SHARDS = 1024;
const MASK = SHARDS - 1;
/** Chars hashed from each end of a long key: enough to tell keys apart, bounded in cost. */
const HASHED_CHARS = 32;

/** The shard of a key: FNV-1a over its first and last chars and its length. */
export function shardOf(key: string): number {
  const n = key.length;
  let h = 0x811c9dc5 ^ n;
  if (n <= 2 * HASHED_CHARS) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  } else {
    for (let i = 0; i < HASHED_CHARS; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
    for (let i = n - HASHED_CHARS; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  }
  return (h ^ (h >>> 15)) & MASK;
}

/** A string-keyed map in SHARDS shards; callers that already know the shard index it directly. */
export class ShardedMap<V> {
  readonly shards: Map<string, V>[] = Array.from({ length: SHARDS }, () => new Map());

  /** Number of entries (sums the shards: O(SHARDS)). */
  get size(): number {
    let n = 0;
    for (const shard of this.shards) n += shard.size;
    return n;
  }

  get(key: string): V | undefined {
    return this.shards[shardOf(key)].get(key);
  }

  has(key: string): boolean {
    return this.shards[shardOf(key)].has(key);
  }

  set(key: string, value: V): void {
    this.shards[shardOf(key)].set(key, value);
  }

  delete(key: string): boolean {
    return this.shards[shardOf(key)].delete(key);
  }

  clear(): void {
    for (const shard of this.shards) shard.clear();
  }

  /**
   * Every key, shard by shard. Like a Map iterator it visits each key present from its start
   * to its end, whatever is added or deleted meanwhile (a key's shard never changes).
   */
  *keys(): Generator<string, void, undefined> {
    for (const shard of this.shards) yield* shard.keys();
  }

  /** Every entry, shard by shard, with the same guarantee as `keys()`. */
  *entries(): Generator<[string, V], void, undefined> {
    for (const shard of this.shards) yield* shard.entries();
  }
}
