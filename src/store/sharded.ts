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
// Sets and sorted sets index their members with the same tables (StringMap). Sharding bounds
// the cost of a resize of the keyspace: a table grows or shrinks all at once, and each shard
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
 * The home slot of hash `h` in a table of `mask + 1` slots. The low SHARD_BITS of a hash pick
 * the keyspace's shard, so the slot starts from the bits above them (rotated in last, for the
 * members of one big set or sorted set, whose table may pass 2^20 slots).
 */
function home(h: number, mask: number): number {
  return ((h >>> SHARD_BITS) | (h << (30 - SHARD_BITS))) & mask;
}

/** The index in `slots` of the entry for `key` (hash `h`), or -1. */
function find(slots: unknown[], mask: number, key: string, h: number): number {
  for (let i = home(h, mask);; i = (i + 1) & mask) {
    const at = i * 3;
    const k = slots[at + 1];
    if (k === undefined) return -1;
    if (slots[at] === h && k === key) return at;
  }
}

/** `slots` rehashed into a table of `capacity` slots. */
function rehash(slots: unknown[], capacity: number): unknown[] {
  const mask = capacity - 1;
  const out: unknown[] = emptySlots(3 * capacity);
  for (let from = 0; from < slots.length; from += 3) {
    if (slots[from + 1] === undefined) continue;
    const h = slots[from] as number;
    let i = home(h, mask);
    while (out[i * 3 + 1] !== undefined) i = (i + 1) & mask;
    out[i * 3] = h;
    out[i * 3 + 1] = slots[from + 1];
    out[i * 3 + 2] = slots[from + 2];
  }
  return out;
}

/**
 * A string-keyed hash table: one array of slots, three elements each: the key's hash, the key
 * (undefined in a free slot) and the value. One array, not one per field: a lookup touches the
 * array, mostly one cache line of it, and the key it compares. Open addressing with linear
 * probing; deleting shifts the entries after the hole back, so there are no tombstones and
 * probes stay short however many deletes ran. The order of keys is the table's, as in Redis.
 */
export class StringMap<V> {
  private slots: unknown[] = emptySlots(3 * MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  /** Number of entries. */
  size = 0;

  get(key: string, h: number = hashOf(key)): V | undefined {
    const slots = this.slots;
    const at = find(slots, this.mask, key, h);
    return at < 0 ? undefined : slots[at + 2] as V;
  }

  has(key: string, h: number = hashOf(key)): boolean {
    return find(this.slots, this.mask, key, h) >= 0;
  }

  /** Stores `value` at `key`; true when the key is new. */
  set(key: string, value: V, h: number = hashOf(key)): boolean {
    const slots = this.slots;
    const mask = this.mask;
    let i = home(h, mask);
    for (;; i = (i + 1) & mask) {
      const at = i * 3;
      const k = slots[at + 1];
      if (k === undefined) break;
      if (slots[at] === h && k === key) {
        slots[at + 2] = value;
        return false;
      }
    }
    const at = i * 3;
    slots[at] = h;
    slots[at + 1] = key;
    slots[at + 2] = value;
    // Grown past 3/4 full: probes lengthen quickly beyond that.
    if (++this.size * 4 > (mask + 1) * 3) this.resize((mask + 1) * 2);
    return true;
  }

  /** Removes `key`; false when it was not there. */
  delete(key: string, h: number = hashOf(key)): boolean {
    const slots = this.slots;
    const mask = this.mask;
    const at = find(slots, mask, key, h);
    if (at < 0) return false;
    // Empty the slot, moving back the entries after it that the hole would cut off from their
    // home slot.
    let hole = at / 3;
    for (let j = (hole + 1) & mask; slots[j * 3 + 1] !== undefined; j = (j + 1) & mask) {
      // The entry at j may fill the hole when the hole lies between its home slot and j.
      const jHome = home(slots[j * 3] as number, mask);
      if (((j - jHome) & mask) >= ((j - hole) & mask)) {
        slots[hole * 3] = slots[j * 3];
        slots[hole * 3 + 1] = slots[j * 3 + 1];
        slots[hole * 3 + 2] = slots[j * 3 + 2];
        hole = j;
      }
    }
    slots[hole * 3] = 0;
    slots[hole * 3 + 1] = undefined;
    slots[hole * 3 + 2] = undefined;
    // Shrunk below 1/8 full: give the memory back (an emptied table would keep it all).
    if (--this.size * 8 < mask + 1 && mask + 1 > MIN_CAPACITY) this.resize((mask + 1) / 2);
    return true;
  }

  private resize(capacity: number): void {
    this.slots = rehash(this.slots, capacity);
    this.mask = capacity - 1;
  }

  clear(): void {
    this.slots = emptySlots(3 * MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.size = 0;
  }

  /** A copy with the same entries. */
  clone(): StringMap<V> {
    const c = new StringMap<V>();
    c.slots = this.slots.slice();
    c.mask = this.mask;
    c.size = this.size;
    return c;
  }

  /** Calls `fn` for each entry, in table order; `fn` must not change the map. */
  forEach(fn: (value: V, key: string) => void): void {
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += 3) {
      const k = slots[at + 1] as string | undefined;
      if (k !== undefined) fn(slots[at + 2] as V, k);
    }
  }

  /**
   * Every key. Like a Map iterator it yields each key present from its start to its end exactly
   * once, whatever is added or deleted meanwhile: the slots are copied when the walk starts (a
   * resize may move the keys), and each key is yielded only if still there.
   */
  *keys(): Generator<string, void, undefined> {
    if (this.size === 0) return;
    const copy = this.slots.slice();
    for (let at = 0; at < copy.length; at += 3) {
      const k = copy[at + 1] as string | undefined;
      if (k !== undefined && find(this.slots, this.mask, k, copy[at] as number) >= 0) yield k;
    }
  }

  /** Every entry with its value at the time it is yielded, with the guarantee of `keys()`. */
  *entries(): Generator<[string, V], void, undefined> {
    for (const k of this.keys()) yield [k, this.get(k) as V];
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

  set(key: string, value: V, h: number = hashOf(key)): void {
    if (this.shards[h & SHARD_MASK].set(key, value, h)) this.size++;
  }

  delete(key: string, h: number = hashOf(key)): boolean {
    if (!this.shards[h & SHARD_MASK].delete(key, h)) return false;
    this.size--;
    return true;
  }

  clear(): void {
    for (const shard of this.shards) shard.clear();
    this.size = 0;
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
