// A Redis hash. Fields and values live in one array, field then value (for O(1) uniform random
// picks, which HRANDFIELD needs), in insertion order, as Redis's listpack keeps small hashes;
// replies that list the whole hash walk it. Positions (positions.ts) finds a field: in the
// array while the hash is small, through a table from 16 fields.
//
// A removal keeps the order within the listpack's size. Below 16 fields it shifts the pairs
// after it, as the listpack does. With a table, shifting would move every later field's
// position in it (15 µs to remove the oldest of 500 fields), so the pair becomes a hole instead,
// and the array is compacted once holes outnumber the fields, or before a random pick: at most
// ~1,000 moves (512 fields and as many holes), amortized over the removals that made the holes.
// Past the listpack's size, where Redis's order is its table's, the last pair moves into the
// hole in O(1).
import type { Collection } from "./keyspace.ts";
import { sampleIndexes } from "./set.ts";
import { Positions } from "./positions.ts";

/**
 * Redis's hash-max-listpack-entries and hash-max-listpack-value, as redis-server has them without
 * a config file (its compiled-in 512 entries; the sample redis.conf lowers it to 128).
 */
const MAX_LISTPACK_ENTRIES = 512;
const MAX_LISTPACK_VALUE = 64;

/** A hash of byte-string fields to byte-string values. */
export class HashValue implements Collection {
  /** On the prototype rather than a field: one hash may be one of millions (as ListValue). */
  get type(): "hash" {
    return "hash";
  }
  /** Field i at 2i, its value at 2i + 1; both undefined in a hole (see the top of this file). */
  private readonly pairs: (string | undefined)[] = [];
  private readonly index = new Positions(this.pairs, 2);
  /** Holes in `pairs`; never at its end. */
  private holes = 0;

  get size(): number {
    return (this.pairs.length >> 1) - this.holes;
  }

  /** Redis's encoding for a hash with these contents (from the current contents, not sticky). */
  encoding(): string {
    if (this.size > MAX_LISTPACK_ENTRIES) return "hashtable";
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i++) {
      if ((pairs[i]?.length ?? 0) > MAX_LISTPACK_VALUE) return "hashtable";
    }
    return "listpack";
  }

  clone(): HashValue {
    const h = new HashValue();
    this.forEach((f, v) => h.set(f, v));
    return h;
  }

  has(field: string): boolean {
    return this.index.position(field) >= 0;
  }

  /** The value of `field`, or undefined. */
  get(field: string): string | undefined {
    const at = this.index.position(field);
    return at < 0 ? undefined : this.pairs[2 * at + 1];
  }

  /** Sets `field` to `value`; true when the field is new. */
  set(field: string, value: string): boolean {
    const h = this.index.hash(field);
    const at = this.index.find(field, h);
    const pairs = this.pairs;
    if (at >= 0) {
      pairs[2 * at + 1] = value;
      return false;
    }
    pairs.push(field, value);
    this.index.added(field, (pairs.length >> 1) - 1, h);
    return true;
  }

  /** Removes `field`; false when it was not there. */
  delete(field: string): boolean {
    const index = this.index;
    // Past the listpack's size, holes left from below it go first: the last pair fills the gap.
    const big = this.size > MAX_LISTPACK_ENTRIES;
    if (big) this.compact();
    const h = index.hash(field);
    const at = index.find(field, h);
    if (at < 0) return false;
    index.removed(field, h);
    const pairs = this.pairs;
    if (!index.indexed) {
      // Small: shift the pairs after it, as the listpack's removal does (at most 15 moves).
      pairs.splice(2 * at, 2);
      return true;
    }
    if (big) {
      // Past the listpack's size: the last pair fills the gap, in O(1).
      const last = pairs.length - 2;
      if (2 * at !== last) {
        pairs[2 * at] = pairs[last];
        pairs[2 * at + 1] = pairs[last + 1];
        index.moved(pairs[2 * at]!, at);
      }
      pairs.length = last;
      return true;
    }
    pairs[2 * at] = pairs[2 * at + 1] = undefined;
    this.holes++;
    // No hole at the end: the array's end is where the next field goes.
    while (pairs.length > 0 && pairs[pairs.length - 2] === undefined) {
      pairs.length -= 2;
      this.holes--;
    }
    if (this.holes > this.size) this.compact();
    return true;
  }

  /** Closes the holes, moving the pairs after each down (and their positions in the table). */
  private compact(): void {
    if (this.holes === 0) return;
    const pairs = this.pairs;
    let to = 0;
    for (let from = 0; from < pairs.length; from += 2) {
      const field = pairs[from];
      if (field === undefined) continue;
      if (to !== from) {
        pairs[to] = field;
        pairs[to + 1] = pairs[from + 1];
        this.index.moved(field, to >> 1);
      }
      to += 2;
    }
    pairs.length = to;
    this.holes = 0;
  }

  /** Calls `fn` for each field and value, in insertion order (see the top of this file). */
  forEach(fn: (field: string, value: string) => void): void {
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) {
      const field = pairs[i];
      if (field !== undefined) fn(field, pairs[i + 1]!);
    }
  }

  /** A uniformly random position (the hash must not be empty), for `fieldAt` / `valueAt`. */
  randomIndex(): number {
    this.compact();
    return Math.floor(Math.random() * this.size);
  }

  /** `count` distinct random positions (count < size) in O(count), for `fieldAt` / `valueAt`. */
  sample(count: number): number[] {
    this.compact();
    return sampleIndexes(this.size, count);
  }

  /**
   * The field at position `at`, from `randomIndex` or `sample` (which close the holes; positions
   * change when a field is removed).
   */
  fieldAt(at: number): string {
    return this.pairs[2 * at]!;
  }

  /** The value at position `at` (see `fieldAt`). */
  valueAt(at: number): string {
    return this.pairs[2 * at + 1]!;
  }

  /**
   * An iterator that sees every field present from its start to its end (HSCAN); `whole` when
   * the scan takes everything in one call, which lists a small hash in order, as Redis does.
   */
  scan(whole = false): Iterator<string> {
    if (!whole) return this.index.keys();
    const fields: string[] = [];
    this.forEach((f) => fields.push(f));
    return fields.values();
  }
}
