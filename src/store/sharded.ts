// The keyspace's tables: string-keyed hash tables of our own, split into SHARDS shards.
//
// Why not a JavaScript Map: when a Map hashes a string it has not hashed before, V8 looks the
// string up in its global string table, which holds every key stored so far. Every key in a
// request is a fresh string, so every GET and SET paid for that probe: perf put 15-20% of the
// server's CPU under GET -P 16 in it, and 43% of an in-process ZADD batch went to the member
// lookup. In alternating runs of GET -P 16 the Map-based server did 470K-500K requests/s at
// 2.0-2.2 µs of CPU each, these tables 650K-770K at 1.3-1.55 µs (redis-server: 800K, 0.9 µs).
// A key here is hashed by our own seeded FNV-1a over its chars and compared with `===`, which
// compares contents and leaves the string table alone. bench/keyspace.bench.ts compares both.
// The hottest commands (GET, SET, INCR) go further and look a key up by its bytes in the
// request (`hashOfBytes`, `getBytes`, `replaceBytes`), so that no string is built for it.
//
// Sets and sorted sets index their members with the same tables (StringMap). Sharding bounds
// the cost of a resize of the keyspace: a table grows or shrinks all at once, and each shard
// holds 1/1024 of the keys, so a resize touches that many and never stalls the loop (a single
// V8 Map of 2^20 keys took 82 ms to rehash). One big set or sorted set still resizes its one
// table at once, as its Map did.

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
  // 30 bits: `home` rotates within them and `tagOf` keeps the top 8.
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/** `hashOf` of the byte string held in bytes [s, e) of `b`, without building it. */
export function hashOfBytes(b: Uint8Array, s: number, e: number): number {
  let h = SEED ^ (e - s);
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 16777619);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/** True when the byte string `k` holds exactly the bytes [s, e) of `b`. */
function sameBytes(k: string, b: Uint8Array, s: number, e: number): boolean {
  if (k.length !== e - s) return false;
  for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) !== b[s + i]) return false;
  return true;
}

/**
 * `n` slots holding undefined, allocated at their final size: built by push, a 4M-slot array
 * allocated 92 MB on its way to 32 (and kept 3 MB of slack), which a big set's RSS showed.
 */
function emptySlots(n: number): undefined[] {
  return new Array<undefined>(n).fill(undefined);
}

/**
 * The home slot of hash `h` in a table of `mask + 1` slots. The low SHARD_BITS of a hash pick
 * the keyspace's shard, so the slot starts from the bits above them (rotated in last, for the
 * members of one big set or sorted set, whose table may pass 2^20 slots).
 */
function home(h: number, mask: number): number {
  return ((h >>> SHARD_BITS) | (h << (30 - SHARD_BITS))) & mask;
}

/** Bits of a 32-bit integer in reverse order. */
function reverseBits(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/**
 * The home slot after `cursor` in a table of `mask + 1` slots, in Redis's dictScan order (the
 * counter is incremented from its highest bit down); 0 after the last.
 */
function nextCursor(cursor: number, mask: number): number {
  return reverseBits(reverseBits((cursor | ~mask) >>> 0) + 1);
}

/** The byte of hash `h` kept beside its key; above the bits `home` uses below 2^12 slots. */
function tagOf(h: number): number {
  return h >>> 22;
}

/**
 * A string-keyed hash table: one array of slots, two elements each, the key (undefined in a
 * free slot) and its value, and beside it a byte of each key's hash. A probe compares that byte
 * first, so a miss reads the key of only 1 in 256 slots it passes. Memory decided the layout
 * (1M keys, RSS, V8 Maps: 157 bytes a key): the whole hash in the slot array took 191, a
 * parallel Int32Array of hashes 174, no hash at all 156 but a GET of a missing key cost 35%
 * more, one byte 163 (145 since the arrays are allocated at their final size).
 * Open addressing with linear probing; deleting shifts the entries after the hole back, so
 * there are no tombstones and probes stay short however many deletes ran. A resize hashes the
 * keys again. The order of keys is the table's, as in Redis.
 */
export class StringMap<V> {
  private slots: unknown[] = emptySlots(2 * MIN_CAPACITY);
  private tags = new Uint8Array(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  /** Number of entries. */
  size = 0;

  /** The index in `slots` of `key` (hash `h`), or -1; its value is at the next index. */
  private find(key: string, h: number): number {
    const { slots, tags, mask } = this;
    const tag = tagOf(h);
    for (let i = home(h, mask);; i = (i + 1) & mask) {
      const k = slots[2 * i];
      if (k === undefined) return -1;
      if (tags[i] === tag && k === key) return 2 * i;
    }
  }

  get(key: string, h: number = hashOf(key)): V | undefined {
    const at = this.find(key, h);
    return at < 0 ? undefined : this.slots[at + 1] as V;
  }

  /**
   * The index in `slots` of the key held in bytes [s, e) of `b` (hash `h`, from hashOfBytes),
   * or -1: a request's key is looked up without building its string.
   */
  private findBytes(b: Uint8Array, s: number, e: number, h: number): number {
    const { slots, tags, mask } = this;
    const tag = tagOf(h);
    for (let i = home(h, mask);; i = (i + 1) & mask) {
      const k = slots[2 * i] as string | undefined;
      if (k === undefined) return -1;
      if (tags[i] === tag && sameBytes(k, b, s, e)) return 2 * i;
    }
  }

  /** `get` of the key held in bytes [s, e) of `b` (hash `h`, from hashOfBytes). */
  getBytes(b: Uint8Array, s: number, e: number, h: number): V | undefined {
    const at = this.findBytes(b, s, e, h);
    return at < 0 ? undefined : this.slots[at + 1] as V;
  }

  /** Replaces the value of the key held in bytes [s, e) of `b`; false when there is none. */
  replaceBytes(b: Uint8Array, s: number, e: number, value: V, h: number): boolean {
    const at = this.findBytes(b, s, e, h);
    if (at < 0) return false;
    this.slots[at + 1] = value;
    return true;
  }

  has(key: string, h: number = hashOf(key)): boolean {
    return this.find(key, h) >= 0;
  }

  /** Stores `value` at `key`; true when the key is new. */
  set(key: string, value: V, h: number = hashOf(key)): boolean {
    const { slots, tags, mask } = this;
    const tag = tagOf(h);
    let i = home(h, mask);
    for (;; i = (i + 1) & mask) {
      const k = slots[2 * i];
      if (k === undefined) break;
      if (tags[i] === tag && k === key) {
        slots[2 * i + 1] = value;
        return false;
      }
    }
    slots[2 * i] = key;
    slots[2 * i + 1] = value;
    tags[i] = tag;
    // Grown past 3/4 full: probes lengthen quickly beyond that.
    if (++this.size * 4 > (mask + 1) * 3) this.resize((mask + 1) * 2);
    return true;
  }

  /** Removes `key`; false when it was not there. */
  delete(key: string, h: number = hashOf(key)): boolean {
    return this.removeAt(this.find(key, h));
  }

  /** `delete` of the key held in bytes [s, e) of `b` (hash `h`, from hashOfBytes). */
  deleteBytes(b: Uint8Array, s: number, e: number, h: number): boolean {
    return this.removeAt(this.findBytes(b, s, e, h));
  }

  /** Removes the entry whose key is at index `at` of `slots`; false when `at` is -1. */
  private removeAt(at: number): boolean {
    if (at < 0) return false;
    const { slots, tags, mask } = this;
    // Empty the slot, moving back the entries after it that the hole would cut off from their
    // home slot.
    let hole = at / 2;
    for (let j = (hole + 1) & mask; slots[2 * j] !== undefined; j = (j + 1) & mask) {
      // The entry at j may fill the hole when the hole lies between its home slot and j.
      const jHome = home(hashOf(slots[2 * j] as string), mask);
      if (((j - jHome) & mask) >= ((j - hole) & mask)) {
        slots[2 * hole] = slots[2 * j];
        slots[2 * hole + 1] = slots[2 * j + 1];
        tags[hole] = tags[j];
        hole = j;
      }
    }
    slots[2 * hole] = undefined;
    slots[2 * hole + 1] = undefined;
    // Shrunk below 1/8 full: give the memory back (an emptied table would keep it all).
    if (--this.size * 8 < mask + 1 && mask + 1 > MIN_CAPACITY) this.resize((mask + 1) / 2);
    return true;
  }

  private resize(capacity: number): void {
    const slots = this.slots;
    const mask = capacity - 1;
    const out: unknown[] = emptySlots(2 * capacity);
    const outTags = new Uint8Array(capacity);
    for (let from = 0; from < slots.length; from += 2) {
      const k = slots[from] as string | undefined;
      if (k === undefined) continue;
      const h = hashOf(k);
      let i = home(h, mask);
      while (out[2 * i] !== undefined) i = (i + 1) & mask;
      out[2 * i] = k;
      out[2 * i + 1] = slots[from + 1];
      outTags[i] = tagOf(h);
    }
    this.slots = out;
    this.tags = outTags;
    this.mask = mask;
  }

  clear(): void {
    this.slots = emptySlots(2 * MIN_CAPACITY);
    this.tags = new Uint8Array(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.size = 0;
  }

  /** A copy with the same entries. */
  clone(): StringMap<V> {
    const c = new StringMap<V>();
    c.slots = this.slots.slice();
    c.tags = this.tags.slice();
    c.mask = this.mask;
    c.size = this.size;
    return c;
  }

  /** Calls `fn` for each entry, in table order; `fn` must not change the map. */
  forEach(fn: (value: V, key: string) => void): void {
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += 2) {
      const k = slots[at] as string | undefined;
      if (k !== undefined) fn(slots[at + 1] as V, k);
    }
  }

  /**
   * Every key, walked as Redis's dictScan walks a dict: home slot by home slot, in the order of
   * a counter incremented from its highest bit down, which stays valid when the table grows or
   * shrinks between steps. So, as SCAN guarantees, every key present from the walk's start to
   * its end is yielded, whatever is added or deleted meanwhile; a key may come twice if the
   * table shrank during the walk. A paused walk holds only its position and one home slot's
   * keys: no copy of the table (a parked SCAN cursor over a big set must stay small).
   */
  *keys(): Generator<string, void, undefined> {
    for (const at of this.walk()) yield this.slots[at] as string;
  }

  /** Every entry with its value at the time it is yielded, with the guarantee of `keys()`. */
  *entries(): Generator<[string, V], void, undefined> {
    for (const at of this.walk()) yield [this.slots[at] as string, this.slots[at + 1] as V];
  }

  /**
   * The walk behind `keys()` and `entries()`: the index in `slots` of each key, found when it is
   * yielded, so the caller reads its key and value there at once without looking it up again.
   */
  private *walk(): Generator<number, void, undefined> {
    let cursor = 0;
    do {
      if (this.size === 0) return;
      const { slots, mask } = this;
      const at = cursor & mask;
      // The keys whose home slot is `at`: in the run of occupied slots from `at` on (linear
      // probing leaves no free slot between a key and its home).
      const found: string[] = [];
      const hashes: number[] = [];
      for (let i = at; slots[2 * i] !== undefined; i = (i + 1) & mask) {
        const k = slots[2 * i] as string;
        const h = hashOf(k);
        if (home(h, mask) !== at) continue;
        found.push(k);
        hashes.push(h);
      }
      // Still there after the yields before it (the walk may be paused between them)?
      for (let j = 0; j < found.length; j++) {
        const index = this.find(found[j], hashes[j]);
        if (index >= 0) yield index;
      }
      cursor = nextCursor(cursor, mask);
    } while (cursor !== 0);
  }
}

/**
 * A string-keyed map in SHARDS StringMaps, for the keyspace: a shard grows or shrinks all at
 * once, and holds 1/1024 of the keys. Callers that hash a key once for several maps (the
 * keyspace's values and expiry times) pass its `hashOf` along.
 */
export class ShardedMap<V> {
  private readonly shards: StringMap<V>[] = Array.from({ length: SHARDS }, () => new StringMap());
  /** Number of entries. */
  size = 0;

  get(key: string, h: number = hashOf(key)): V | undefined {
    return this.shards[h & SHARD_MASK].get(key, h);
  }

  has(key: string, h: number = hashOf(key)): boolean {
    return this.shards[h & SHARD_MASK].has(key, h);
  }

  /** StringMap's `getBytes`. */
  getBytes(b: Uint8Array, s: number, e: number, h: number): V | undefined {
    return this.shards[h & SHARD_MASK].getBytes(b, s, e, h);
  }

  /** StringMap's `replaceBytes`. */
  replaceBytes(b: Uint8Array, s: number, e: number, value: V, h: number): boolean {
    return this.shards[h & SHARD_MASK].replaceBytes(b, s, e, value, h);
  }

  set(key: string, value: V, h: number = hashOf(key)): void {
    if (this.shards[h & SHARD_MASK].set(key, value, h)) this.size++;
  }

  delete(key: string, h: number = hashOf(key)): boolean {
    if (!this.shards[h & SHARD_MASK].delete(key, h)) return false;
    this.size--;
    return true;
  }

  /** StringMap's `deleteBytes`. */
  deleteBytes(b: Uint8Array, s: number, e: number, h: number): boolean {
    if (!this.shards[h & SHARD_MASK].deleteBytes(b, s, e, h)) return false;
    this.size--;
    return true;
  }

  clear(): void {
    for (const shard of this.shards) shard.clear();
    this.size = 0;
  }

  /**
   * Calls `fn` for each entry, shard by shard in table order; `fn` must not change the map. A
   * small part of the cost of `keys()`, which must survive changes (1M keys: ~12 against ~330 ms).
   */
  forEach(fn: (value: V, key: string) => void): void {
    for (const shard of this.shards) shard.forEach(fn);
  }

  /** Every key, shard by shard, with the guarantee of StringMap's `keys()`. */
  *keys(): Generator<string, void, undefined> {
    for (const shard of this.shards) yield* shard.keys();
  }

  /** Every entry with its value at the time it is yielded, with the same guarantee. */
  *entries(): Generator<[string, V], void, undefined> {
    for (const shard of this.shards) yield* shard.entries();
  }
}
