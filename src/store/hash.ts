// A Redis hash. Fields and values live in one array, field then value (for O(1) uniform random
// picks, which HRANDFIELD needs), in insertion order, as Redis's listpack keeps small hashes;
// replies that list the whole hash walk it. Positions (positions.ts) finds a field: in the
// array while the hash is small, through a table from 16 fields. A removal shifts the pairs
// after it while the hash is within the listpack's size, as the listpack does; past it, where
// Redis's order is its table's, the last pair moves into the hole in O(1). Walks that must
// survive changes (HSCAN with a cursor) use the table's iterator.
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
  /** Field i at 2i, its value at 2i + 1. */
  private readonly pairs: string[] = [];
  private readonly index = new Positions(this.pairs, 2);

  get size(): number {
    return this.pairs.length >> 1;
  }

  /** Redis's encoding for a hash with these contents (from the current contents, not sticky). */
  encoding(): string {
    const pairs = this.pairs;
    if (pairs.length > 2 * MAX_LISTPACK_ENTRIES) return "hashtable";
    for (let i = 0; i < pairs.length; i++) {
      if (pairs[i].length > MAX_LISTPACK_VALUE) return "hashtable";
    }
    return "listpack";
  }

  clone(): HashValue {
    const h = new HashValue();
    this.forEach((f, v) => h.set(f, v));
    return h;
  }

  has(field: string): boolean {
    return this.index.find(field, this.index.hash(field)) >= 0;
  }

  /** The value of `field`, or undefined. */
  get(field: string): string | undefined {
    const at = this.index.find(field, this.index.hash(field));
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
    const h = index.hash(field);
    const at = index.find(field, h);
    if (at < 0) return false;
    index.removed(field, h);
    const pairs = this.pairs;
    const last = pairs.length - 2;
    if (pairs.length <= 2 * MAX_LISTPACK_ENTRIES) {
      // Within the listpack's size: keep the order, as its removal does (at most 511 moves).
      for (let i = 2 * at; i < last; i += 2) {
        pairs[i] = pairs[i + 2];
        pairs[i + 1] = pairs[i + 3];
        index.moved(pairs[i], i >> 1);
      }
    } else if (2 * at !== last) {
      pairs[2 * at] = pairs[last];
      pairs[2 * at + 1] = pairs[last + 1];
      index.moved(pairs[2 * at], at);
    }
    pairs.pop();
    pairs.pop();
    return true;
  }

  /** Calls `fn` for each field and value, in insertion order (see the top of this file). */
  forEach(fn: (field: string, value: string) => void): void {
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) fn(pairs[i], pairs[i + 1]);
  }

  /** A uniformly random position (the hash must not be empty), for `fieldAt` / `valueAt`. */
  randomIndex(): number {
    return Math.floor(Math.random() * this.size);
  }

  /** `count` distinct random positions (count < size) in O(count), for `fieldAt` / `valueAt`. */
  sample(count: number): number[] {
    return sampleIndexes(this.size, count);
  }

  /** The field at position `at` (positions change when a field is removed). */
  fieldAt(at: number): string {
    return this.pairs[2 * at];
  }

  /** The value at position `at`. */
  valueAt(at: number): string {
    return this.pairs[2 * at + 1];
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
