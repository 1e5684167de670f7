// The keyspace's tables: string-keyed hash tables of our own, split into SHARDS shards.
//
// Why not a JavaScript Map: when a Map hashes a string it has not hashed before, V8 looks the
// string up in its global string table, which holds every key stored so far. Every key in a
// request is a fresh string, so every GET and SET paid for that probe: perf put 15-20% of the
// server's CPU under GET -P 16 in it, and the cost moved with the table's state (GET -P 16 ran
// at 300K-540K requests/s from run to run). With these tables it runs at 630K-700K, with CPU per
// request down from 1.8-3.1 to 1.45-1.6 µs. A key here is hashed by our own seeded FNV-1a over
// its chars and compared with `===`, which compares contents and leaves the string table alone.
// bench/keyspace.bench.ts compares both on fresh keys.
//
// Each shard is an open-addressing table with linear probing; deleting shifts the entries after
// the hole back, so there are no tombstones and probes stay short however many deletes ran.
// Sharding bounds the cost of a resize: a table grows or shrinks all at once, and each shard
// holds 1/1024 of the keys, so a resize touches that many and never stalls the loop (a single
// V8 Map of 2^20 keys took 82 ms to rehash).

/** Number of shards; a power of two. */
export const SHARDS = 1024;
const SHARD_BITS = 10;
const SHARD_MASK = SHARDS - 1;
/** Slots a table starts with and never shrinks below; a power of two. */
const MIN_CAPACITY = 4;

/**
 * The hash seed, random per process as Redis's siphash key is: a client cannot compute keys
 * that all land in one probe sequence (the hash of every key is its table position).
 */
const SEED = crypto.getRandomValues(new Uint32Array(1))[0];

/** The hash of a key: FNV-1a over all its chars (one byte each), from a per-process seed. */
export function hashOf(key: string): number {
  const n = key.length;
  let h = SEED ^ n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  // 30 bits: a small integer wherever V8 keeps one inline, so a stored hash is never boxed.
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/** `n` slots holding undefined, as a packed array (no holes for V8 to check). */
function emptySlots(n: number): undefined[] {
  const a: undefined[] = [];
  for (let i = 0; i < n; i++) a.push(undefined);
  return a;
}

/**
 * A string-keyed map in SHARDS shards. Each shard is one array of slots, three elements each:
 * the key's hash, the key (undefined in a free slot) and the value. One array per shard, not
 * one per field: a lookup touches the shard's array, mostly one cache line of it, and the key
 * it compares, instead of an object and three arrays (measured: 350 ns a SET at 100K keys with
 * parallel arrays, most of it cache misses). Callers that hash a key once for several maps (the
 * keyspace's values and expiry times) pass its `hashOf` along.
 */
export class ShardedMap<V> {
  private readonly shards: unknown[][] = [];
  /** Per shard: its capacity less one (a power of two less one), and its number of entries. */
  private readonly masks = new Int32Array(SHARDS);
  private readonly counts = new Int32Array(SHARDS);
  /** Number of entries. */
  size = 0;

  constructor() {
    for (let s = 0; s < SHARDS; s++) this.shards.push(emptySlots(3 * MIN_CAPACITY));
    this.masks.fill(MIN_CAPACITY - 1);
  }

  /** The index of the slot holding `key` (hash `h`) in `slots`, or -1. */
  private static find(slots: unknown[], mask: number, key: string, h: number): number {
    for (let i = (h >>> SHARD_BITS) & mask;; i = (i + 1) & mask) {
      const at = i * 3;
      const k = slots[at + 1];
      if (k === undefined) return -1;
      if (slots[at] === h && k === key) return at;
    }
  }

  get(key: string, h: number = hashOf(key)): V | undefined {
    const shard = h & SHARD_MASK;
    const slots = this.shards[shard];
    const at = ShardedMap.find(slots, this.masks[shard], key, h);
    return at < 0 ? undefined : slots[at + 2] as V;
  }

  has(key: string, h: number = hashOf(key)): boolean {
    const shard = h & SHARD_MASK;
    return ShardedMap.find(this.shards[shard], this.masks[shard], key, h) >= 0;
  }

  set(key: string, value: V, h: number = hashOf(key)): void {
    const shard = h & SHARD_MASK;
    const slots = this.shards[shard];
    const mask = this.masks[shard];
    let i = (h >>> SHARD_BITS) & mask;
    for (;; i = (i + 1) & mask) {
      const at = i * 3;
      const k = slots[at + 1];
      if (k === undefined) break;
      if (slots[at] === h && k === key) {
        slots[at + 2] = value;
        return;
      }
    }
    const at = i * 3;
    slots[at] = h;
    slots[at + 1] = key;
    slots[at + 2] = value;
    this.size++;
    // Grown past 3/4 full: probes lengthen quickly beyond that.
    if (++this.counts[shard] * 4 > (mask + 1) * 3) this.resize(shard, (mask + 1) * 2);
  }

  delete(key: string, h: number = hashOf(key)): boolean {
    const shard = h & SHARD_MASK;
    const slots = this.shards[shard];
    const mask = this.masks[shard];
    const at = ShardedMap.find(slots, mask, key, h);
    if (at < 0) return false;
    // Empty the slot, moving back the entries after it that the hole would cut off from their
    // home slot: no tombstones, so probes stay short however many deletes ran.
    let hole = at / 3;
    for (let j = (hole + 1) & mask; slots[j * 3 + 1] !== undefined; j = (j + 1) & mask) {
      // The entry at j may fill the hole when the hole lies between its home slot and j.
      const home = ((slots[j * 3] as number) >>> SHARD_BITS) & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        slots[hole * 3] = slots[j * 3];
        slots[hole * 3 + 1] = slots[j * 3 + 1];
        slots[hole * 3 + 2] = slots[j * 3 + 2];
        hole = j;
      }
    }
    slots[hole * 3] = 0;
    slots[hole * 3 + 1] = undefined;
    slots[hole * 3 + 2] = undefined;
    this.size--;
    // Shrunk below 1/8 full: give the memory back (an emptied shard would keep it all).
    if (--this.counts[shard] * 8 < mask + 1 && mask + 1 > MIN_CAPACITY) {
      this.resize(shard, (mask + 1) / 2);
    }
    return true;
  }

  private resize(shard: number, capacity: number): void {
    const old = this.shards[shard];
    const mask = capacity - 1;
    const slots: unknown[] = emptySlots(3 * capacity);
    for (let from = 0; from < old.length; from += 3) {
      if (old[from + 1] === undefined) continue;
      const h = old[from] as number;
      let i = (h >>> SHARD_BITS) & mask;
      while (slots[i * 3 + 1] !== undefined) i = (i + 1) & mask;
      slots[i * 3] = h;
      slots[i * 3 + 1] = old[from + 1];
      slots[i * 3 + 2] = old[from + 2];
    }
    this.shards[shard] = slots;
    this.masks[shard] = mask;
  }

  clear(): void {
    for (let s = 0; s < SHARDS; s++) this.shards[s] = emptySlots(3 * MIN_CAPACITY);
    this.masks.fill(MIN_CAPACITY - 1);
    this.counts.fill(0);
    this.size = 0;
  }

  /**
   * Every key, shard by shard. Like a Map iterator it yields each key present from its start to
   * its end exactly once, whatever is added or deleted meanwhile: a shard's slots are copied
   * when the walk reaches it (a resize may move them), and each key is yielded only if still
   * there.
   */
  *keys(): Generator<string, void, undefined> {
    for (let shard = 0; shard < SHARDS; shard++) {
      if (this.counts[shard] === 0) continue;
      const copy = this.shards[shard].slice();
      for (let at = 0; at < copy.length; at += 3) {
        const k = copy[at + 1] as string | undefined;
        if (k === undefined) continue;
        const h = copy[at] as number;
        if (ShardedMap.find(this.shards[shard], this.masks[shard], k, h) >= 0) yield k;
      }
    }
  }

  /** Every entry with its value at the time it is yielded, with the guarantee of `keys()`. */
  *entries(): Generator<[string, V], void, undefined> {
    for (const k of this.keys()) yield [k, this.get(k) as V];
  }
}
