// A Redis hash. Fields and values live in two parallel arrays (for O(1) uniform random picks,
// which HRANDFIELD needs) and a Map from field to its array position gives O(1) lookup and
// removal (the last pair moves into the hole). Replies that list the whole hash walk the Map, so
// fields come in insertion order, as Redis's listpack gives them for small hashes; walks that
// must survive changes (HSCAN) use the Map's iterator too, which visits every field present
// from its start to its end.
import type { Collection } from "./keyspace.ts";
import { sampleIndexes } from "./set.ts";

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
  /** Field → its position in `fields` and `values`. */
  private readonly index = new Map<string, number>();
  private readonly fields: string[] = [];
  private readonly vals: string[] = [];

  get size(): number {
    return this.fields.length;
  }

  /** Redis's encoding for a hash with these contents (from the current contents, not sticky). */
  encoding(): string {
    const n = this.fields.length;
    if (n > MAX_LISTPACK_ENTRIES) return "hashtable";
    for (let i = 0; i < n; i++) {
      if (this.fields[i].length > MAX_LISTPACK_VALUE || this.vals[i].length > MAX_LISTPACK_VALUE) {
        return "hashtable";
      }
    }
    return "listpack";
  }

  clone(): HashValue {
    const h = new HashValue();
    this.forEach((f, v) => h.set(f, v));
    return h;
  }

  has(field: string): boolean {
    return this.index.has(field);
  }

  /** The value of `field`, or undefined. */
  get(field: string): string | undefined {
    const at = this.index.get(field);
    return at === undefined ? undefined : this.vals[at];
  }

  /** Sets `field` to `value`; true when the field is new. */
  set(field: string, value: string): boolean {
    const at = this.index.get(field);
    if (at !== undefined) {
      this.vals[at] = value;
      return false;
    }
    this.index.set(field, this.fields.length);
    this.fields.push(field);
    this.vals.push(value);
    return true;
  }

  /** Removes `field`; false when it was not there. */
  delete(field: string): boolean {
    const at = this.index.get(field);
    if (at === undefined) return false;
    const lastField = this.fields.pop() as string;
    const lastValue = this.vals.pop() as string;
    if (at !== this.fields.length) {
      this.fields[at] = lastField;
      this.vals[at] = lastValue;
      this.index.set(lastField, at);
    }
    this.index.delete(field);
    return true;
  }

  /** Calls `fn` for each field and value, in insertion order. */
  forEach(fn: (field: string, value: string) => void): void {
    const vals = this.vals;
    this.index.forEach((at, field) => fn(field, vals[at]));
  }

  /** A uniformly random position (the hash must not be empty), for `fieldAt` / `valueAt`. */
  randomIndex(): number {
    return Math.floor(Math.random() * this.fields.length);
  }

  /** `count` distinct random positions (count < size) in O(count), for `fieldAt` / `valueAt`. */
  sample(count: number): number[] {
    return sampleIndexes(this.fields.length, count);
  }

  /** The field at position `at` (positions change when a field is removed). */
  fieldAt(at: number): string {
    return this.fields[at];
  }

  /** The value at position `at`. */
  valueAt(at: number): string {
    return this.vals[at];
  }

  /** An iterator that sees every field present from its start to its end (HSCAN). */
  scan(): Iterator<string> {
    return this.index.keys();
  }
}
