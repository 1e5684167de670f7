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
  return h ^ (h >>> 15);
}

/** `n` slots holding undefined, as a packed array (no holes for V8 to check). */
function emptySlots(n: number): undefined[] {
  const a: undefined[] = [];
  for (let i = 0; i < n; i++) a.push(undefined);
  return a;
}

/** One shard: parallel arrays of hashes, keys and values; a key slot is undefined when free. */
class Table<V> {
  size = 0;
  mask = MIN_CAPACITY - 1;
  hashes = new Int32Array(MIN_CAPACITY);
  keys: (string | undefined)[] = emptySlots(MIN_CAPACITY);
  values: (V | undefined)[] = emptySlots(MIN_CAPACITY);

  /** The slot holding `key` (whose hash is `h`), or -1. */
  slotOf(key: string, h: number): number {
    const { hashes, keys, mask } = this;
    for (let i = (h >>> SHARD_BITS) & mask;; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) return -1;
      if (hashes[i] === h && k === key) return i;
    }
  }

  /** Stores `value` at `key`; true when the key is new. */
  set(key: string, h: number, value: V): boolean {
    const { hashes, keys, mask } = this;
    let i = (h >>> SHARD_BITS) & mask;
    for (;; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) break;
      if (hashes[i] === h && k === key) {
        this.values[i] = value;
        return false;
      }
    }
    keys[i] = key;
    hashes[i] = h;
    this.values[i] = value;
    // Grown past 3/4 full: probes lengthen quickly beyond that.
    if (++this.size * 4 > keys.length * 3) this.resize(keys.length * 2);
    return true;
  }

  /** Empties slot `i`, moving back the entries after it that the hole would cut off. */
  deleteAt(i: number): void {
    const { hashes, keys, values, mask } = this;
    let hole = i;
    for (let j = (i + 1) & mask; keys[j] !== undefined; j = (j + 1) & mask) {
      // The entry at j may fill the hole when the hole lies between its home slot and j.
      const home = (hashes[j] >>> SHARD_BITS) & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hashes[hole] = hashes[j];
        hole = j;
      }
    }
    keys[hole] = undefined;
    values[hole] = undefined;
    hashes[hole] = 0;
    // Shrunk below 1/8 full: give the memory back (an emptied table would keep it all).
    if (--this.size * 8 < keys.length && keys.length > MIN_CAPACITY) {
      this.resize(keys.length / 2);
    }
  }

  private resize(capacity: number): void {
    const { hashes, keys, values } = this;
    const mask = capacity - 1;
    const nh = new Int32Array(capacity);
    const nk: (string | undefined)[] = emptySlots(capacity);
    const nv: (V | undefined)[] = emptySlots(capacity);
    for (let s = 0; s < keys.length; s++) {
      const k = keys[s];
      if (k === undefined) continue;
      const h = hashes[s];
      let i = (h >>> SHARD_BITS) & mask;
      while (nk[i] !== undefined) i = (i + 1) & mask;
      nk[i] = k;
      nh[i] = h;
      nv[i] = values[s];
    }
    this.hashes = nh;
    this.keys = nk;
    this.values = nv;
    this.mask = mask;
  }

  clear(): void {
    this.size = 0;
    this.mask = MIN_CAPACITY - 1;
    this.hashes = new Int32Array(MIN_CAPACITY);
    this.keys = emptySlots(MIN_CAPACITY);
    this.values = emptySlots(MIN_CAPACITY);
  }
}

/**
 * A string-keyed map in SHARDS shards. Callers that hash a key once for several maps (the
 * keyspace's values and expiry times) pass its `hashOf` along.
 */
export class ShardedMap<V> {
  private readonly tables: Table<V>[] = Array.from({ length: SHARDS }, () => new Table<V>());
  /** Number of entries. */
  size = 0;

  get(key: string, h: number = hashOf(key)): V | undefined {
    const t = this.tables[h & SHARD_MASK];
    const i = t.slotOf(key, h);
    return i < 0 ? undefined : t.values[i];
  }

  has(key: string, h: number = hashOf(key)): boolean {
    return this.tables[h & SHARD_MASK].slotOf(key, h) >= 0;
  }

  set(key: string, value: V, h: number = hashOf(key)): void {
    if (this.tables[h & SHARD_MASK].set(key, h, value)) this.size++;
  }

  delete(key: string, h: number = hashOf(key)): boolean {
    const t = this.tables[h & SHARD_MASK];
    const i = t.slotOf(key, h);
    if (i < 0) return false;
    t.deleteAt(i);
    this.size--;
    return true;
  }

  clear(): void {
    for (const t of this.tables) t.clear();
    this.size = 0;
  }

  /**
   * Every key, shard by shard. Like a Map iterator it yields each key present from its start to
   * its end exactly once, whatever is added or deleted meanwhile: a shard's keys are copied when
   * the walk reaches it (a resize may move them), and each is yielded only if still there.
   */
  *keys(): Generator<string, void, undefined> {
    for (const t of this.tables) {
      if (t.size === 0) continue;
      const keys = t.keys.slice();
      const hashes = t.hashes.slice();
      for (let s = 0; s < keys.length; s++) {
        const k = keys[s];
        if (k !== undefined && t.slotOf(k, hashes[s]) >= 0) yield k;
      }
    }
  }

  /** Every entry with its value at the time it is yielded, with the guarantee of `keys()`. */
  *entries(): Generator<[string, V], void, undefined> {
    for (const k of this.keys()) yield [k, this.get(k) as V];
  }
}
