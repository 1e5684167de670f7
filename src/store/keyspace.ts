// The keyspace: a table from key to value and, as in Redis, a second table from key to its
// expiry time for the keys that have one (a StringMap, see stringmap.ts, and one with its times
// in pages, expiries.ts). Every access goes through here, so lazy expiry happens in one place: a
// key whose time has passed is deleted the moment anyone looks at it.
import { hashOf, hashOfBytes, StringMap } from "./stringmap.ts";
import { Slab } from "./slab.ts";
import { Expiries } from "./expiries.ts";
import * as clock from "./clock.ts";
import type { ByteBuffer } from "../protocol/latin1.ts";

/** What every collection type (list, hash, set, sorted set) offers the generic commands. */
export interface Collection {
  /** Redis's TYPE name. */
  readonly type: "list" | "hash" | "set" | "zset";
  /** Number of elements. A command that empties a collection deletes its key, as Redis does. */
  readonly size: number;
  /** Redis's OBJECT ENCODING name for a value of this kind and size. */
  encoding(): string;
  /** A deep copy, for COPY. */
  clone(): Collection;
}

/** A stored value: a byte string (one char per byte) or a collection. */
export type Value = string | Collection;

/**
 * A value as the table holds it: a Value, or a short string kept in the keyspace's slab (the
 * number, its handle; see slab.ts). Only the hottest commands see one (`getStored`); every
 * other lookup reads a string.
 */
export type Stored = Value | number;

/**
 * An absolute expiry time in Unix ms, as exact as Redis's 64-bit one: a number while it is a
 * safe integer, a bigint beyond (EXPIREAT up to year 292,278,994 must read back exactly).
 */
export type ExpiryTime = number | bigint;

/**
 * The keys `Keyspace.prefetch` read ahead last, bytes [starts[i], ends[i]) of a buffer in buffer
 * order, and their hashes: the lookups of the requests that follow find a key's hash here, so
 * that a pipelined key is hashed once. One for all databases (a key's hash is the same in each),
 * kept only while the buffer holds those bytes, at the generation it had then (unique to it, see
 * ByteBuffer.generation): a batch of requests runs between two reads, so it holds for the rest of
 * the batch and never into the next.
 */
const ahead = {
  generation: 0,
  count: 0,
  starts: new Int32Array(0),
  ends: new Int32Array(0),
  hashes: new Int32Array(0),
};

/** The hash of the key held in bytes [s, e) of `mem`: read ahead if it was, else computed. */
function hashAt(mem: ByteBuffer, s: number, e: number): number {
  if (mem.generation === ahead.generation) {
    const starts = ahead.starts;
    let lo = 0;
    let hi = ahead.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < s) lo = mid + 1;
      else if (starts[mid] > s) hi = mid - 1;
      else {
        if (ahead.ends[mid] === e) return ahead.hashes[mid];
        break;
      }
    }
  }
  return hashOfBytes(mem.bytes, s, e);
}

/** The keyspace of one database. */
export class Keyspace {
  readonly data = new StringMap<Stored>();
  /** The bytes of the short string values (see Stored). */
  readonly slab = new Slab();
  /**
   * Absolute expiry time in Unix milliseconds, for keys that have one. A time past 2^53 ms is
   * rounded here (it never comes anyway) and kept exactly in `farExpires` for the TTL replies.
   */
  readonly expires = new Expiries();
  private readonly farExpires = new Map<string, bigint>();
  /** Keys deleted because their TTL passed, lazily or by the janitor. */
  expiredKeys = 0;
  /** Lookups of a live key / of a missing or expired key, for the read commands. */
  hits = 0;
  misses = 0;
  private randomIter: Iterator<string> | undefined;

  /**
   * Bytes the keyspace keeps outside the V8 heap: the pages of short values and of expiry times
   * (the dataset is these and the heap in use).
   */
  get offHeapBytes(): number {
    return this.slab.bytes + this.expires.bytes;
  }

  /** Number of keys, including expired ones the janitor has not reclaimed yet (as DBSIZE). */
  get size(): number {
    return this.data.size;
  }

  /**
   * The live value of `key`, deleting it first if its TTL has passed. Here and below, `h` is the
   * key's hash when the caller has it: each table lookup takes it, so a key is hashed once.
   */
  get(key: string, h: number = hashOf(key)): Value | undefined {
    return this.value(this.lookup(key, h));
  }

  /** `get` of the value as the table holds it (see Stored). */
  private lookup(key: string, h: number): Stored | undefined {
    const v = this.data.get(key, h);
    if (v === undefined || this.expires.size === 0) return v;
    const at = this.expires.get(key, h);
    if (at !== undefined && at < clock.now()) {
      this.removeExpired(key, h);
      return undefined;
    }
    return v;
  }

  /** A stored value as a Value: a string out of the slab for a handle. */
  value(v: Stored): Value;
  value(v: Stored | undefined): Value | undefined;
  value(v: Stored | undefined): Value | undefined {
    return typeof v === "number" ? this.slab.string(v) : v;
  }

  /** What the table should hold for `value`: the handle of a short string, else the value. */
  private stored(value: Value): Stored {
    if (typeof value !== "string") return value;
    const h = this.slab.store(value, 0, value.length);
    return h < 0 ? value : h;
  }

  /**
   * Stores `value` at `key` (hash `h`), keeping any TTL. A short string over a value in the slab
   * of its class is written in that value's slot (see `setBytes`).
   */
  private put(key: string, value: Value, h: number): void {
    const data = this.data;
    if (typeof value === "string") {
      const prev = data.get(key, h);
      const rewritten = typeof prev === "number"
        ? this.slab.rewrite(prev, value, 0, value.length)
        : -1;
      if (rewritten >= 0) {
        if (rewritten !== prev) data.set(key, rewritten, h);
        return;
      }
    }
    this.release(data.put(key, this.stored(value), h));
  }

  /** Gives back the slab's slot of a value no longer held (a replaced or deleted one). */
  private release(v: Stored | undefined): void {
    if (typeof v === "number") this.slab.free(v);
  }

  /** `get` for the read commands: also counts a keyspace hit or miss. */
  lookupRead(key: string): Value | undefined {
    return this.counted(this.get(key));
  }

  /** `v`, counted as a keyspace hit, or a miss when it is undefined. */
  private counted<T>(v: T | undefined): T | undefined {
    if (v === undefined) this.misses++;
    else this.hits++;
    return v;
  }

  /**
   * `get` of the key held in bytes [s, e) of `mem` (a request's argument), of the value as the
   * table holds it: a short string is its handle in `slab`, read from there without building the
   * string (`value` builds it). The key's string is built only if the key must be deleted for
   * its expiry.
   */
  getStored(mem: ByteBuffer, s: number, e: number): Stored | undefined {
    const h = hashAt(mem, s, e);
    const v = this.data.getBytes(mem.bytes, s, e, h);
    if (v === undefined || this.expires.size === 0) return v;
    const at = this.expires.getBytes(mem.bytes, s, e, h);
    if (at !== undefined && at < clock.now()) {
      this.removeExpired(mem.latin1(s, e), h);
      return undefined;
    }
    return v;
  }

  /** `lookupRead` of the key held in bytes [s, e) of `mem`, as `getStored`. */
  lookupReadStored(mem: ByteBuffer, s: number, e: number): Stored | undefined {
    return this.counted(this.getStored(mem, s, e));
  }

  /**
   * Reads ahead, in both tables, what requests about to run will look up: key i is bytes
   * [starts[i], ends[i]) of `mem`, in buffer order, and `wants[i]` says what of it (1: its
   * entry, 2: its value too; see StringMap.touch and commands/table.ts `prefetch`). It only
   * reads: a key past its TTL is left for its request. The keys' hashes are kept for their
   * lookups (`hashAt`).
   */
  prefetch(
    mem: ByteBuffer,
    starts: Int32Array,
    ends: Int32Array,
    wants: Uint8Array,
    count: number,
  ): void {
    if (ahead.hashes.length < count) {
      ahead.starts = new Int32Array(count);
      ahead.ends = new Int32Array(count);
      ahead.hashes = new Int32Array(count);
    }
    const hs = ahead.hashes;
    for (let i = 0; i < count; i++) {
      ahead.starts[i] = starts[i];
      ahead.ends[i] = ends[i];
      hs[i] = hashOfBytes(mem.bytes, starts[i], ends[i]);
    }
    ahead.generation = mem.generation;
    ahead.count = count;
    this.data.touch(hs, wants, count, this.slab);
    if (this.expires.size !== 0) this.expires.prefetch(hs, wants, count);
  }

  /** True when `key` exists (and has not expired). */
  has(key: string): boolean {
    return this.lookup(key, hashOf(key)) !== undefined;
  }

  /** Stores a value and drops any TTL the key had (as SET does). */
  set(key: string, value: Value): void {
    // The key is hashed once for both tables.
    const h = hashOf(key);
    this.put(key, value, h);
    if (this.expires.size === 0) return;
    const was = this.dropExpiry(key, h);
    if (was !== undefined) this.countStale(was);
  }

  /**
   * Counts an expired key when a write replaced or dropped the time `was` of its key and that
   * time had passed: the write found no key, as Redis's lookup for it would have, deleting the
   * key and counting it. (The writes that look their key up first have found it gone already.)
   */
  private countStale(was: number): void {
    if (was < clock.now()) this.expiredKeys++;
  }

  /**
   * `set` of the key held in bytes [s, e) of `mem` to the value in bytes [vs, ve) (a request's
   * arguments), or `setWithExpiry` when `at` (Unix ms, a safe integer) is given: the key's string
   * is built only when the key is new (which has no TTL to drop), or gets its first TTL, or to
   * drop a TTL past 2^53 ms, and the value's only when it is too long for the slab.
   */
  setBytes(mem: ByteBuffer, s: number, e: number, vs: number, ve: number, at?: number): void {
    const b = mem.bytes;
    const h = hashAt(mem, s, e);
    const data = this.data;
    const slab = this.slab;
    const prev = data.getBytes(b, s, e, h);
    if (prev === undefined) {
      const handle = slab.store(b, vs, ve);
      const key = mem.latin1(s, e);
      data.set(key, handle < 0 ? mem.latin1(vs, ve) : handle, h);
      if (at !== undefined) this.expires.set(key, at, h);
      return;
    }
    // A value in the slab is rewritten in its slot when the new one is of its class: no slot
    // taken or freed, and the table written only if the length changed.
    const rewritten = typeof prev === "number" ? slab.rewrite(prev, b, vs, ve) : -1;
    if (rewritten < 0) {
      const handle = slab.store(b, vs, ve);
      data.replaceBytes(b, s, e, handle < 0 ? mem.latin1(vs, ve) : handle, h);
      this.release(prev);
    } else if (rewritten !== prev) {
      data.replaceBytes(b, s, e, rewritten, h);
    }
    const expires = this.expires;
    let was: number | undefined;
    if (at !== undefined) {
      was = expires.setBytes(b, s, e, at, h);
      if (was === undefined) expires.set(mem.latin1(s, e), at, h);
    } else if (expires.size !== 0) {
      was = expires.takeBytes(b, s, e, h);
    }
    if (was === undefined) return;
    this.countStale(was);
    if (this.farExpires.size !== 0) this.farExpires.delete(mem.latin1(s, e));
  }

  /** Stores a value and keeps the TTL of the key, if it has one (APPEND, INCR, KEEPTTL). */
  overwrite(key: string, value: Value): void {
    this.put(key, value, hashOf(key));
  }

  /**
   * `overwrite` of an existing key held in bytes [s, e) of `mem`, without building its string;
   * false (and nothing stored) when there is no such key.
   */
  overwriteBytes(mem: ByteBuffer, s: number, e: number, value: Value): boolean {
    const v = this.stored(value);
    const prev = this.data.replaceBytes(mem.bytes, s, e, v, hashAt(mem, s, e));
    this.release(prev === undefined ? v : prev);
    return prev !== undefined;
  }

  /**
   * `overwriteBytes` of integer `n` (INCR's result) at the key held in bytes [s, e) of `mem`,
   * which exists and holds `held` (from `getStored`, with nothing run since): a value in the
   * slab is rewritten in its slot when the digits fit it, and the table is written only when
   * the handle changes.
   */
  overwriteIntBytes(mem: ByteBuffer, s: number, e: number, held: Stored, n: number | bigint): void {
    if (typeof held === "number" && typeof n === "number") {
      const h = this.slab.rewriteInt(held, n);
      if (h === held) return;
      if (h >= 0) {
        this.data.replaceBytes(mem.bytes, s, e, h, hashAt(mem, s, e));
        return;
      }
    }
    this.overwriteBytes(mem, s, e, String(n));
  }

  /** Stores a value expiring at `at` (Unix ms). */
  setWithExpiry(key: string, value: Value, at: ExpiryTime): void {
    const h = hashOf(key);
    this.put(key, value, h);
    const was = this.setExpiry(key, at, h);
    if (was !== undefined) this.countStale(was);
  }

  /** Gives `key` (hash `h`) the time `at`: the time it had, if any. */
  private setExpiry(key: string, at: ExpiryTime, h: number): number | undefined {
    if (typeof at === "bigint" && Number.isSafeInteger(Number(at))) at = Number(at);
    if (typeof at === "number") {
      if (this.farExpires.size !== 0) this.farExpires.delete(key);
      return this.expires.set(key, at, h);
    }
    this.farExpires.set(key, at);
    return this.expires.set(key, Number(at), h);
  }

  /** Removes the TTL of `key` (hash `h`): the time it had, if any. */
  private dropExpiry(key: string, h: number): number | undefined {
    if (this.farExpires.size !== 0) this.farExpires.delete(key);
    return this.expires.take(key, h);
  }

  /** Deletes a live key; false when there was none. */
  delete(key: string): boolean {
    const h = hashOf(key);
    if (this.lookup(key, h) === undefined) return false;
    this.release(this.data.take(key, h));
    this.dropExpiry(key, h);
    return true;
  }

  /** Deletes a key whose TTL has passed (lazy expiry and the janitor). */
  removeExpired(key: string, h: number = hashOf(key)): void {
    this.release(this.data.take(key, h));
    this.dropExpiry(key, h);
    this.expiredKeys++;
  }

  /**
   * Sets the expiry of an existing key to `at` (Unix ms). A time not in the future deletes the
   * key at once, as Redis's EXPIRE does (a key is only stale once its time is strictly past, but
   * EXPIRE to "now" already deletes); returns true in that case.
   */
  expireAt(key: string, at: ExpiryTime): boolean {
    const h = hashOf(key);
    if (at <= clock.now()) {
      this.release(this.data.take(key, h));
      this.dropExpiry(key, h);
      return true;
    }
    this.setExpiry(key, at, h);
    return false;
  }

  /** The expiry time of a live key in Unix ms, -1 without one, -2 when missing. */
  expiryOf(key: string): ExpiryTime {
    if (this.lookup(key, hashOf(key)) === undefined) return -2;
    return this.expiryTime(key) ?? -1;
  }

  /** The exact expiry time of `key`, if it has one (no lazy expiry: the caller looked it up). */
  expiryTime(key: string): ExpiryTime | undefined {
    const at = this.expires.get(key);
    if (at === undefined || this.farExpires.size === 0) return at;
    return this.farExpires.get(key) ?? at;
  }

  /** Removes the TTL of a live key; true when it had one. */
  persist(key: string): boolean {
    const h = hashOf(key);
    if (this.lookup(key, h) === undefined) return false;
    return this.dropExpiry(key, h) !== undefined;
  }

  /**
   * Moves the resizes of both tables on, then a compaction of the expiry pages (Expiries), until
   * they are done or `performance.now()` passes `deadline` (the janitor's tick): a table nobody
   * writes to finishes too.
   */
  advanceResize(deadline: number): void {
    if (this.data.advanceResize(deadline)) return;
    this.expires.advanceResize(deadline);
  }

  /** Deletes every key. */
  flush(): void {
    this.data.clear();
    this.slab.reset();
    this.expires.clear();
    this.farExpires.clear();
  }

  /**
   * A random live key, or undefined when there is none. Walks on from where the last call
   * stopped, skipping a random number of keys, so each call is O(1) on average.
   */
  randomKey(): string | undefined {
    const size = this.data.size;
    for (let tries = 0; size > 0 && tries < 100; tries++) {
      let skip = Math.floor(Math.random() * Math.min(size, 64));
      let key: string | undefined;
      while (skip >= 0) {
        this.randomIter ??= this.data.keys();
        const r = this.randomIter.next();
        if (r.done) {
          this.randomIter = undefined;
          continue;
        }
        key = r.value;
        skip--;
      }
      if (key !== undefined && this.lookup(key, hashOf(key)) !== undefined) return key;
    }
    return undefined;
  }
}
