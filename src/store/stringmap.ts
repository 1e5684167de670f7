// StringMap: the string-keyed hash table of our own that holds the keyspace (values and expiry
// times), and indexes the members of big sets, hashes and sorted sets.
//
// Why not a JavaScript Map: when a Map hashes a string it has not hashed before, V8 looks the
// string up in its global string table, which holds every key stored so far. Every key in a
// request is a fresh string, so every GET and SET paid for that probe: perf put 15-20% of the
// server's CPU under GET -P 16 in it, and 43% of an in-process ZADD batch went to the member
// lookup. In alternating runs of GET -P 16 the Map-based server did 470K-500K requests/s at
// 2.0-2.2 µs of CPU each, these tables 650K-770K at 1.3-1.55 µs (redis-server: 800K, 0.9 µs).
// A key here is hashed by our own keyed hash (siphash.ts) over its chars and compared with `===`,
// which compares contents and leaves the string table alone. bench/keyspace.bench.ts compares
// both.
// The hottest commands (GET, SET, INCR, MGET, MSET) go further and look a key up by its bytes in
// the request (`hashOfBytes`, `getBytes`, `replaceBytes`), so that no string is built for it.
//
// One table holds the whole keyspace, and it never stops the loop to resize: as Redis's dict,
// a table that must grow or shrink hands over to a new one and moves its entries there a few at
// a time, at each write and on the janitor's tick, while lookups search both. Its slots lie in
// chunks of CHUNK elements that the new table takes where it first writes, reusing those the
// old one has emptied: V8 fills a new array at once, and on this VM touching fresh memory costs
// ~3.4 ns a byte (a 4M-slot array: 117 ms), where Redis's calloc'd table takes its page faults
// as it fills. Before, the keyspace was 1,024 tables each resized at once, and a big set's
// index one table resized at once (2,257 ms for one insert at 1.5M members); one table costs
// about the same CPU per request (README, "One keyspace table").
import { halfSipHash13 } from "./siphash.ts";

/** Elements in a chunk of a table's slots (two per slot: the key, then its value). */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
/** Slots a table starts with and never shrinks below; a power of two. */
const MIN_CAPACITY = 4;
/** Slots of the old table moved per write while a resize goes on. */
const MOVES_PER_WRITE = 32;
/**
 * Slots of the old table moved by a lookup that had to search it: a table that is only read
 * from, or written only at keys it holds, finishes its resize too (as Redis's dict moves a
 * bucket at every lookup). Before, such a table searched both for good and kept the old one's
 * memory: redis-benchmark's SADD -P 16 re-adds the members of a set that stops growing just
 * past a resize, and perf put 13% of the server's samples in the old table's search.
 */
const MOVES_PER_READ = 4;
/**
 * The key left in a slot of the old table whose entry has moved or been deleted during a
 * resize: a probe passes it as a used slot. Keys are byte strings (one char per byte, below
 * 256), so it equals no key and matches no key's bytes.
 */
const MOVED = "\u0100";

/**
 * The hash key, random per process as Redis's siphash key is: a client cannot compute keys that
 * all land in one probe sequence (the hash of every key is its table position).
 */
const [K0, K1] = crypto.getRandomValues(new Int32Array(2));

/**
 * The slots `StringMap.touch` read, held between its two passes: one array for every table, as a
 * touch runs to its end before any other. Slot numbers, and not what the slots hold as before:
 * storing a young value into an old array runs V8's write barrier, whose slow path (RecordWrite)
 * was 6% of the server's ticks under `SET -P 16` (`--prof`). Server CPU a request against the
 * array of values, both bound to one CPU, two runs of 6 rounds: `INCR -P 16` 2.09 and 2.02 against
 * 2.20 and 2.15 µs, `GET -P 16` 1.93 and 1.90 against 1.90 and 1.97, `SET -P 16` 2.22 and 2.13
 * against 2.21 and 2.18.
 */
let touchedSlots = new Int32Array(256);
/** A sum of what `touch` read, kept so that the compiler cannot drop the reads. */
export let touchSum = 0;

/** What holds the values a table refers to by number, for `touch` to read them ahead. */
export interface Held {
  /** A number read from the value that `v` refers to. */
  touch(v: number): number;
}

/** A number read from `v`'s first and last bytes (a string) or its first (an object). */
function touchValue(v: unknown): number {
  if (typeof v === "string") return v.length === 0 ? 0 : v.charCodeAt(v.length - 1);
  return typeof v === "object" ? 1 : 0;
}

/**
 * The hash of a key: HalfSipHash-1-3 of all its chars (one byte each) under the process's key,
 * cut to 30 bits, a small integer to V8: the low ones pick the home slot, the top 8 are the tag.
 */
export function hashOf(key: string): number {
  return halfSipHash13(key, 0, key.length, K0, K1) & 0x3fffffff;
}

/** `hashOf` of the byte string held in bytes [s, e) of `b`, without building it. */
export function hashOfBytes(b: Uint8Array, s: number, e: number): number {
  return halfSipHash13(b, s, e, K0, K1) & 0x3fffffff;
}

/** True when the byte string `k` holds exactly the bytes [s, e) of `b`. */
function sameBytes(k: string, b: Uint8Array, s: number, e: number): boolean {
  if (k.length !== e - s) return false;
  for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) !== b[s + i]) return false;
  return true;
}

/**
 * The byte of hash `h` kept beside its key: above the bits a home slot uses below 2^22 slots,
 * and never 0, which marks a free slot, so that a search reads a slot's key only where the tags
 * match (a search for a key that is not there reads the tags alone, one cache line of 64 slots).
 */
function tagOf(h: number): number {
  return (h >>> 22) || 1;
}

/**
 * `n` elements holding undefined (a chunk: at most CHUNK, so V8 allocates it fast), in an array
 * of tagged values from the start. `new Array(n).fill(undefined)` would not do: this V8 keeps
 * undefined in an array of doubles, so the first key written into the chunk copied it into an
 * array of tagged values, and emptying a chunk with `fill` turned it back into doubles. That
 * left 32 KB of garbage per chunk made and 64 KB per chunk reused, 17 MB in the resize at 786K
 * keys, which stayed in RSS until V8's next full collection.
 */
function emptySlots(n: number): unknown[] {
  const slots = new Array<unknown>(n);
  slots[0] = null; // any tagged value: the array's elements are tagged ones from now on
  return cleared(slots);
}

/** `slots` with every element set to undefined, keeping its elements tagged (see emptySlots). */
function cleared(slots: unknown[]): unknown[] {
  for (let i = 0; i < slots.length; i++) slots[i] = undefined;
  return slots;
}

/** A table's slots in chunks: the key of slot i is element 2i, its value element 2i + 1. */
type Chunks = unknown[][];

/**
 * The chunk a table holds where no slot has been written yet: it reads as free slots and is
 * never written (a write takes a chunk of its own first, see `StringMap.own`). It is not frozen:
 * a frozen array has an elements kind of its own, so every lookup's loads met two kinds of
 * chunk. With one kind, 16 pipelined GETs, SETs and INCRs took 0.90-0.94 of the time in-process
 * (`deno task ab`). The tests check that it stays empty (`unwrittenIsEmpty`).
 */
const UNWRITTEN: unknown[] = emptySlots(CHUNK);

/** True while the chunk of never-written slots that all tables share holds nothing (tests). */
export function unwrittenIsEmpty(): boolean {
  return UNWRITTEN.length === CHUNK && UNWRITTEN.every((v) => v === undefined);
}

/** The chunks of a table of `capacity` slots: one of its own when it fits in one, else none yet. */
function newChunks(capacity: number): Chunks {
  if (2 * capacity <= CHUNK) return [emptySlots(2 * capacity)];
  return new Array<unknown[]>((2 * capacity) >> CHUNK_BITS).fill(UNWRITTEN);
}

function read(chunks: Chunks, at: number): unknown {
  return chunks[at >> CHUNK_BITS][at & CHUNK_MASK];
}

function write(chunks: Chunks, at: number, v: unknown): void {
  chunks[at >> CHUNK_BITS][at & CHUNK_MASK] = v;
}

/**
 * The element index of `key` (hash `h`) in a table, or -1. Open addressing, linear probing.
 * `from` is 0 for the table in use; for an old table being emptied it is its slots moved so far,
 * which the search skips (see OldTable). The count bounds a search of an old table, whose slots
 * left may all be used; the table in use always has a free slot.
 * Here and in `probeBytes` the comparison is written out: a comparator closure would capture the
 * key (or the request's bytes), and V8 then allocates a context for them on every call of the
 * lookup that creates it, taken or not (90 bytes more per GET).
 */
function probe(
  chunks: Chunks,
  tags: Uint8Array,
  mask: number,
  key: string,
  h: number,
  from = 0,
): number {
  const tag = tagOf(h);
  let i = Math.max(h & mask, from);
  for (let left = mask + 1 - from; left > 0; left--, i = ((i + 1) & mask) || from) {
    const t = tags[i];
    if (t === 0) return -1;
    if (t === tag && read(chunks, 2 * i) === key) return 2 * i;
  }
  return -1;
}

/** `probe` for the key held in bytes [s, e) of `b` (hash `h`, from hashOfBytes). */
function probeBytes(
  chunks: Chunks,
  tags: Uint8Array,
  mask: number,
  b: Uint8Array,
  s: number,
  e: number,
  h: number,
  from = 0,
): number {
  const tag = tagOf(h);
  let i = Math.max(h & mask, from);
  for (let left = mask + 1 - from; left > 0; left--, i = ((i + 1) & mask) || from) {
    const t = tags[i];
    if (t === 0) return -1;
    if (t === tag && sameBytes(read(chunks, 2 * i) as string, b, s, e)) return 2 * i;
  }
  return -1;
}

/**
 * Pushes onto `keys` (and their hashes onto `hashes`) the keys whose home slot is `at`, skipping
 * the slots below `from` as `probe` does.
 */
function collect(
  chunks: Chunks,
  mask: number,
  at: number,
  keys: string[],
  hashes: number[],
  from = 0,
): void {
  // In the run of used slots from `at` on: linear probing leaves no free slot between a key and
  // its home.
  let i = Math.max(at, from);
  for (let left = mask + 1 - from; left > 0; left--, i = ((i + 1) & mask) || from) {
    const k = read(chunks, 2 * i) as string | undefined;
    if (k === undefined) return;
    if (k === MOVED) continue;
    const h = hashOf(k);
    if ((h & mask) !== at) continue;
    keys.push(k);
    hashes.push(h);
  }
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

/**
 * The old table a resize empties into the new one, in slot order. Its slots below `moved` are
 * empty and their chunks gone, so its searches skip them: a key at or past `moved` whose home
 * lies below was in an unbroken run from its home, which now goes on at `moved`. A search ends
 * at a free slot, or after the last slot left, as all of them may be used.
 */
class OldTable {
  /** Slots moved so far. */
  moved = 0;
  constructor(readonly chunks: Chunks, readonly tags: Uint8Array, readonly mask: number) {}

  /** `probe` for `key` (hash `h`) over the slots left. */
  find(key: string, h: number): number {
    return probe(this.chunks, this.tags, this.mask, key, h, this.moved);
  }

  /** `probeBytes` over the slots left. */
  findBytes(b: Uint8Array, s: number, e: number, h: number): number {
    return probeBytes(this.chunks, this.tags, this.mask, b, s, e, h, this.moved);
  }

  /**
   * Stores a new key (hash `h`, absent from both tables) here, if its home and the free slot
   * its run leads to lie among the slots left, and returns true; false otherwise.
   */
  add(key: string, value: unknown, h: number): boolean {
    const { chunks, tags, mask, moved } = this;
    const home = h & mask;
    if (home < moved) return false;
    // Up to the last slot: past it, the run would go on among the slots moved.
    for (let i = home; i <= mask; i++) {
      // A chunk this table never wrote stays unwritten (its slots are all free).
      if (chunks[(2 * i) >> CHUNK_BITS] === UNWRITTEN) return false;
      const k = read(chunks, 2 * i);
      if (k !== undefined && k !== MOVED) continue;
      write(chunks, 2 * i, key);
      write(chunks, 2 * i + 1, value);
      tags[i] = tagOf(h);
      return true;
    }
    return false;
  }

  /** Removes the entry at element index `at` (from `find`). */
  removeAt(at: number): void {
    write(this.chunks, at, MOVED);
    write(this.chunks, at + 1, undefined);
  }
}

/**
 * A string-keyed hash table: slots in chunks, two elements each, the key (undefined in a free
 * slot) and its value, and beside them a byte of each key's hash (0 in a free slot). A probe
 * compares that byte first, so it reads the key of only 1 in 255 slots it passes, and a search
 * for a key that is not there reads the tags alone. Memory decided the layout
 * (1M keys, RSS, V8 Maps: 157 bytes a key): the whole hash in the slot array took 191, a
 * parallel Int32Array of hashes 174, no hash at all 156 but a GET of a missing key cost 35%
 * more, one byte 163 (145 since the arrays are allocated at their final size).
 * Open addressing with linear probing; deleting shifts the entries after the hole back, so
 * there are no tombstones and probes stay short however many deletes ran. The order of keys is
 * the table's, as in Redis. Values must not be undefined.
 *
 * A resize (past 3/4 full, or below 1/8) makes a new table the one in use and moves the old
 * one's entries into it, MOVES_PER_WRITE slots per write (and more on `advanceResize`), in slot
 * order. Meanwhile a key lives in exactly one of the two, and a lookup that misses the new table
 * searches the old. A table that fits in one chunk before and after resizes at once.
 * The new table takes a chunk where it first writes, and a chunk the move has emptied serves as
 * the next one. Entries from an old slot land near the same slot of the new table (or the same
 * plus the old size), and a new key whose run in the old table lies ahead of the move goes there
 * to move in its turn, so the new table needs its chunks in the order the old one frees its own:
 * a growth allocates about what the table grows by (of 1,024 chunks at 786K keys, 511 reused;
 * with new keys going to the new table at random places, 164, and the rest left as garbage).
 */
export class StringMap<V> {
  private chunks: Chunks = newChunks(MIN_CAPACITY);
  private tags: Uint8Array = new Uint8Array(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  /** The old table, while a resize goes on. */
  private old: OldTable | undefined;
  /** Drained chunks of the old table, emptied, for the new one to take. */
  private spare: unknown[][] = [];
  /** Number of entries. */
  size = 0;
  /** Calls of `forEach` under way: while one is, lookups move no resize on. */
  private walking = 0;

  /** True while a resize goes on (two tables to search). */
  get resizing(): boolean {
    return this.old !== undefined;
  }

  get(key: string, h: number = hashOf(key)): V | undefined {
    const at = probe(this.chunks, this.tags, this.mask, key, h);
    if (at >= 0) return read(this.chunks, at + 1) as V;
    const old = this.old;
    if (old === undefined) return undefined;
    const was = old.find(key, h);
    const value = was < 0 ? undefined : read(old.chunks, was + 1) as V;
    this.searchedOld();
    return value;
  }

  /** `get` of the key held in bytes [s, e) of `b` (hash `h`, from hashOfBytes). */
  getBytes(b: Uint8Array, s: number, e: number, h: number): V | undefined {
    const at = probeBytes(this.chunks, this.tags, this.mask, b, s, e, h);
    if (at >= 0) return read(this.chunks, at + 1) as V;
    const old = this.old;
    if (old === undefined) return undefined;
    const was = old.findBytes(b, s, e, h);
    const value = was < 0 ? undefined : read(old.chunks, was + 1) as V;
    this.searchedOld();
    return value;
  }

  /** Moves the resize on after a lookup that searched the old table (see MOVES_PER_READ). */
  private searchedOld(): void {
    if (this.walking === 0) this.move(MOVES_PER_READ);
  }

  /**
   * Replaces the value of the key held in bytes [s, e) of `b`: the value replaced, or undefined
   * (and nothing stored) when there is no such key.
   */
  replaceBytes(b: Uint8Array, s: number, e: number, value: V, h: number): V | undefined {
    const chunks = this.chunks;
    const at = probeBytes(chunks, this.tags, this.mask, b, s, e, h);
    if (at < 0) {
      const old = this.old;
      if (old === undefined) return undefined;
      const was = old.findBytes(b, s, e, h);
      let prev: V | undefined;
      if (was >= 0) {
        prev = read(old.chunks, was + 1) as V;
        write(old.chunks, was + 1, value);
      }
      this.searchedOld();
      return prev;
    }
    const prev = read(chunks, at + 1) as V;
    write(chunks, at + 1, value);
    return prev;
  }

  /**
   * Reads the slot of each hash `hs[i]` for which `wants[i]` is not 0, then the key stored there,
   * and its value too where `wants[i]` is 2 (Keyspace.prefetch). Nothing is looked up: this only
   * brings memory into the CPU's cache for lookups to come. The reads of a pass do not depend on
   * each other, so their cache misses overlap, where a lookup waits for each in turn.
   * The slot is the first of the home slot and the 3 after it whose tag matches the hash's (a key
   * sits past its home often enough); none is read when a free slot comes first, or no tag
   * matches, as the lookup will then read the tags alone. A string is read at its end as well as
   * its start: a 16-byte key or value with its header is 32 bytes, and may straddle two cache
   * lines. Server CPU of `GET -P 16`, µs a request, against the build before (8 alternating
   * rounds, bound to one CPU): the tag check alone 1.74 against 1.75, the last char alone 1.77
   * against 1.80, both 1.71 against 1.77 and 1.78 against 1.81; `INCR -P 16` 1.90 against 2.00,
   * `SET -P 16` 2.02 against 2.12.
   */
  touch(hs: Int32Array, wants: Uint8Array, n: number, held?: Held): void {
    const { chunks, tags, mask } = this;
    const slots = touchedSlots.length >= n ? touchedSlots : (touchedSlots = new Int32Array(n));
    let sum = 0;
    for (let i = 0; i < n; i++) {
      slots[i] = -1;
      if (wants[i] === 0) continue;
      const tag = tagOf(hs[i]);
      let slot = hs[i] & mask;
      for (let k = 0; k < 3 && tags[slot] !== tag && tags[slot] !== 0; k++) {
        slot = (slot + 1) & mask;
      }
      if (tags[slot] !== tag) continue;
      slots[i] = slot;
      if (read(chunks, 2 * slot) !== undefined) sum++;
      if (wants[i] === 2 && read(chunks, 2 * slot + 1) !== undefined) sum++;
    }
    // The slots are in the cache now. A string's last char reads its last bytes (its length,
    // its first); an object's type, its first bytes.
    for (let i = 0; i < n; i++) {
      if (slots[i] < 0) continue;
      sum ^= touchValue(read(chunks, 2 * slots[i]));
      if (wants[i] !== 2) continue;
      const v = read(chunks, 2 * slots[i] + 1);
      sum ^= typeof v === "number" && held !== undefined ? held.touch(v) : touchValue(v);
    }
    touchSum = sum;
  }

  has(key: string, h: number = hashOf(key)): boolean {
    return this.get(key, h) !== undefined;
  }

  /** Stores `value` at `key`; true when the key is new. */
  set(key: string, value: V, h: number = hashOf(key)): boolean {
    return this.put(key, value, h) === undefined;
  }

  /** Stores `value` at `key`: the value it replaces, or undefined when the key is new. */
  put(key: string, value: V, h: number = hashOf(key)): V | undefined {
    const { chunks, tags, mask } = this;
    const tag = tagOf(h);
    let i = h & mask;
    for (;; i = (i + 1) & mask) {
      const t = tags[i];
      if (t === 0) break;
      if (t === tag && read(chunks, 2 * i) === key) {
        const prev = read(chunks, 2 * i + 1) as V;
        write(chunks, 2 * i + 1, value);
        return prev;
      }
    }
    const old = this.old;
    if (old !== undefined) {
      const was = old.find(key, h);
      if (was >= 0) {
        const prev = read(old.chunks, was + 1) as V;
        write(old.chunks, was + 1, value);
        this.searchedOld();
        return prev;
      }
    }
    // Mid-resize, a new key whose run in the old table lies ahead of the move goes there, to move
    // in its turn: the new table then takes its chunks in the order the old one frees its own.
    if (old === undefined || !old.add(key, value, h)) {
      this.own(i);
      write(chunks, 2 * i, key);
      write(chunks, 2 * i + 1, value);
      tags[i] = tag;
    }
    this.size++;
    if (old !== undefined) this.move(MOVES_PER_WRITE);
    else if (this.size * 4 > (mask + 1) * 3) this.resize((mask + 1) * 2);
    return undefined;
  }

  /** Removes `key`; false when it was not there. */
  delete(key: string, h: number = hashOf(key)): boolean {
    return this.take(key, h) !== undefined;
  }

  /** Removes `key`: the value it had, or undefined when it was not there. */
  take(key: string, h: number = hashOf(key)): V | undefined {
    const at = probe(this.chunks, this.tags, this.mask, key, h);
    const old = this.old;
    return this.removeFound(at, at < 0 && old !== undefined ? old.find(key, h) : -1);
  }

  /** `take` of the key held in bytes [s, e) of `b` (hash `h`, from hashOfBytes). */
  takeBytes(b: Uint8Array, s: number, e: number, h: number): V | undefined {
    const at = probeBytes(this.chunks, this.tags, this.mask, b, s, e, h);
    const old = this.old;
    return this.removeFound(at, at < 0 && old !== undefined ? old.findBytes(b, s, e, h) : -1);
  }

  /**
   * Removes the entry a search found at element index `at` of the table in use or, if -1, at
   * `was` of the old one: its value, or undefined when both are -1.
   */
  private removeFound(at: number, was: number): V | undefined {
    let value: V;
    if (at >= 0) {
      value = read(this.chunks, at + 1) as V;
      this.cut(at / 2);
    } else if (was >= 0) {
      const old = this.old!;
      value = read(old.chunks, was + 1) as V;
      old.removeAt(was);
    } else {
      return undefined;
    }
    this.removed();
    return value;
  }

  /** Counts an entry removed, and moves a resize on or starts one. */
  private removed(): void {
    const old = this.old;
    this.size--;
    if (old !== undefined) this.move(MOVES_PER_WRITE);
    else if (this.size * 8 < this.mask + 1 && this.mask > MIN_CAPACITY - 1) {
      // Below 1/8 full: give the memory back (an emptied table would keep it all).
      this.resize((this.mask + 1) / 2);
    }
  }

  /** Gives slot `i` of the table in use a chunk of its own, if it has none yet. */
  private own(i: number): void {
    const c = (2 * i) >> CHUNK_BITS;
    if (this.chunks[c] === UNWRITTEN) this.chunks[c] = this.spare.pop() ?? emptySlots(CHUNK);
  }

  /** Empties slot `hole`, moving back the entries after it that it would cut off from home. */
  private cut(hole: number): void {
    const { chunks, tags, mask } = this;
    for (let j = (hole + 1) & mask;; j = (j + 1) & mask) {
      const k = read(chunks, 2 * j) as string | undefined;
      if (k === undefined) break;
      // The entry at j may fill the hole when the hole lies between its home slot and j.
      if (((j - (hashOf(k) & mask)) & mask) >= ((j - hole) & mask)) {
        write(chunks, 2 * hole, k);
        write(chunks, 2 * hole + 1, read(chunks, 2 * j + 1));
        tags[hole] = tags[j];
        hole = j;
      }
    }
    write(chunks, 2 * hole, undefined);
    write(chunks, 2 * hole + 1, undefined);
    tags[hole] = 0;
  }

  /** Starts a resize to `capacity` slots, done at once when both tables fit in one chunk. */
  private resize(capacity: number): void {
    this.old = new OldTable(this.chunks, this.tags, this.mask);
    this.chunks = newChunks(capacity);
    this.tags = new Uint8Array(capacity);
    this.mask = capacity - 1;
    if (this.old.chunks.length === 1 && this.chunks.length === 1) this.finishResize();
  }

  /** Moves the entries of up to `slots` slots of the old table into the table in use. */
  private move(slots: number): void {
    const old = this.old!;
    const { chunks, tags, mask } = this;
    const from = old.chunks;
    const end = Math.min(old.moved + slots, old.mask + 1);
    for (let i = old.moved; i < end; i++) {
      const k = read(from, 2 * i) as string | undefined;
      if (k === undefined || k === MOVED) continue;
      const h = hashOf(k);
      let j = h & mask;
      while (read(chunks, 2 * j) !== undefined) j = (j + 1) & mask;
      this.own(j);
      write(chunks, 2 * j, k);
      write(chunks, 2 * j + 1, read(from, 2 * i + 1));
      tags[j] = tagOf(h);
      write(from, 2 * i, MOVED);
      write(from, 2 * i + 1, undefined);
    }
    // Each chunk moved through goes to the spares (probes skip it from now on).
    for (let c = old.moved >> (CHUNK_BITS - 1); c < end >> (CHUNK_BITS - 1); c++) {
      if (from[c] !== UNWRITTEN) this.spare.push(cleared(from[c]));
      from[c] = UNWRITTEN;
    }
    old.moved = end;
    if (end > old.mask) {
      this.old = undefined;
      this.spare = [];
    }
  }

  /** Completes a resize in progress at once. */
  private finishResize(): void {
    if (this.old !== undefined) this.move(this.old.mask + 1);
  }

  /**
   * Moves a resize on until it is done or `performance.now()` passes `deadline`, for a table
   * that reads alone would leave searching two (the janitor calls it). True when one is left.
   */
  advanceResize(deadline: number): boolean {
    while (this.old !== undefined) {
      this.move(1024);
      if (performance.now() >= deadline) break;
    }
    return this.old !== undefined;
  }

  clear(): void {
    this.chunks = newChunks(MIN_CAPACITY);
    this.tags = new Uint8Array(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.old = undefined;
    this.spare = [];
    this.size = 0;
  }

  /** A copy with the same entries (a resize in progress is completed first). */
  clone(): StringMap<V> {
    this.finishResize();
    const c = new StringMap<V>();
    c.chunks = this.chunks.map((chunk) => chunk === UNWRITTEN ? chunk : chunk.slice());
    c.tags = this.tags.slice();
    c.mask = this.mask;
    c.size = this.size;
    return c;
  }

  /**
   * Calls `fn` for each entry, in table order; `fn` must not change the map. Its lookups in the
   * map move no resize on meanwhile.
   */
  forEach(fn: (value: V, key: string) => void): void {
    this.walking++;
    try {
      for (
        const chunks of this.old === undefined ? [this.chunks] : [this.chunks, this.old.chunks]
      ) {
        for (const chunk of chunks) {
          for (let at = 0; at < chunk.length; at += 2) {
            const k = chunk[at] as string | undefined;
            if (k !== undefined && k !== MOVED) fn(chunk[at + 1] as V, k);
          }
        }
      }
    } finally {
      this.walking--;
    }
  }

  /**
   * Visits entries of the table in use in slot order from slot `from`, until `count` were
   * visited, and returns the slot to go on from: 0 after the last one. When `visit` returns true
   * it has deleted the key it was given, and the slot is visited again, as deleting moves the
   * entries after it back. This is for sampling (the janitor), and much cheaper than
   * `entries()`, which hashes every key of a run to find those of one home slot. A slot from
   * before the table shrank goes on at the slot it masks to, where the keys of the slots not
   * visited yet went with the keys of slots visited, and from where the slots hold only keys
   * of slots visited; a pass may still miss keys or see some twice when a delete moves an entry
   * back past the slot it stopped at, or the table resizes. During a resize the entries the old
   * table still holds are not visited: move it on first (`advanceResize`).
   */
  visitSlots(from: number, count: number, visit: (key: string, value: V) => boolean): number {
    const { chunks, mask } = this;
    let i = from & mask;
    while (count > 0) {
      const k = read(chunks, 2 * i) as string | undefined;
      if (k !== undefined) {
        count--;
        if (visit(k, read(chunks, 2 * i + 1) as V)) {
          // A delete that started a resize: the next call goes on in the new table.
          if (this.chunks !== chunks) return i;
          if (read(chunks, 2 * i) !== k) continue;
        }
      }
      if (++i > mask) return 0;
    }
    return i;
  }

  /**
   * Every key, walked as Redis's dictScan walks a dict: home slot by home slot, in the order of
   * a counter incremented from its highest bit down, which stays valid when the table grows or
   * shrinks between steps. So, as SCAN guarantees, every key present from the walk's start to
   * its end is yielded, whatever is added or deleted meanwhile; a key may come twice if the
   * table shrank during the walk. A paused walk holds only its position and one home slot's
   * keys: no copy of the table (a parked SCAN cursor over a big set must stay small).
   */
  keys(): Generator<string, void, undefined> {
    return this.walk((key) => key);
  }

  /** Every entry with its value at the time it is yielded, with the guarantee of `keys()`. */
  entries(): Generator<[string, V], void, undefined> {
    return this.walk((key, value) => [key, value]);
  }

  /** The walk behind `keys()` and `entries()`: `pick` of each key and its value. */
  private *walk<T>(pick: (key: string, value: V) => T): Generator<T, void, undefined> {
    let cursor = 0;
    do {
      if (this.size === 0) return;
      const found: string[] = [];
      const hashes: number[] = [];
      const { chunks, mask, old } = this;
      if (old === undefined) {
        collect(chunks, mask, cursor & mask, found, hashes);
        cursor = nextCursor(cursor, mask);
      } else {
        // Mid-resize, as dictScan: the home slot in the smaller table, then each slot of the
        // larger one whose keys would have that home in the smaller.
        const oldSmaller = old.mask < mask;
        const smallMask = oldSmaller ? old.mask : mask;
        const largeMask = oldSmaller ? mask : old.mask;
        const [small, smallFrom, large, largeFrom] = oldSmaller
          ? [old.chunks, old.moved, chunks, 0]
          : [chunks, 0, old.chunks, old.moved];
        collect(small, smallMask, cursor & smallMask, found, hashes, smallFrom);
        do {
          collect(large, largeMask, cursor & largeMask, found, hashes, largeFrom);
          cursor = nextCursor(cursor, largeMask);
        } while ((cursor & (smallMask ^ largeMask)) !== 0);
      }
      // Still there after the yields before it (the walk may be paused between them)?
      for (let j = 0; j < found.length; j++) {
        const value = this.get(found[j], hashes[j]);
        if (value !== undefined) yield pick(found[j], value);
      }
    } while (cursor !== 0);
  }
}
