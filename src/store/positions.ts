// Where each of a collection's strings sits in the array that holds them, for hashes (fields,
// each followed by its value) and sets (members). A small collection keeps no table: a lookup
// searches the array, as Redis searches a listpack, and the collection needs no memory beyond
// its strings. From INDEX_FROM strings a StringMap (see stringmap.ts: a V8 Map would look every
// fresh string up in the global string table) maps each string to its position.
import { hashOf, StringMap } from "./stringmap.ts";

/**
 * Strings from which a collection keeps a table of them. Below, a search compares at most this
 * many strings, most of them rejected by their length or first chars: HGET with a fresh field
 * took 31 ns at 3 fields and 48-51 ns at 15 (a Map: 61-70 ns). The table costs ~470 bytes of RSS
 * even for 3 strings: 200K hashes of 3 fields took 693 bytes each without it, 1,470 with it (this
 * object and a hash's count of holes since added ~50: 737-766).
 */
const INDEX_FROM = 16;

/** The positions of the strings at `items[stride × i]`, i = 0, 1, ... */
export class Positions {
  private table: StringMap<number> | undefined;

  /** `items` may hold undefined (a hash's holes) once there is a table, never before. */
  constructor(private readonly items: (string | undefined)[], private readonly stride: 1 | 2) {}

  /** True once the collection keeps a table (it keeps it from then on). */
  get indexed(): boolean {
    return this.table !== undefined;
  }

  /** The hash `find`, `added` and `removed` take for `s`: computed only once there is a table. */
  hash(s: string): number {
    return this.table === undefined ? 0 : hashOf(s);
  }

  /** The position of `s` (hash `h`), or -1. */
  find(s: string, h: number): number {
    if (this.table !== undefined) return this.table.get(s, h) ?? -1;
    const { items, stride } = this;
    for (let i = 0, at = 0; i < items.length; i += stride, at++) if (items[i] === s) return at;
    return -1;
  }

  /** The position of `s`, or -1, when the caller needs no hash of it afterwards. */
  position(s: string): number {
    return this.find(s, this.hash(s));
  }

  /** Records `s` (hash `h`), just placed at position `at`. */
  added(s: string, at: number, h: number): void {
    if (this.table !== undefined) this.table.set(s, at, h);
    else if (at + 1 >= INDEX_FROM) this.tabled();
  }

  /** Forgets `s` (hash `h`), just taken out of the array. */
  removed(s: string, h: number): void {
    this.table?.delete(s, h);
  }

  /** Records that the string `s`, already known, now sits at position `at`. */
  moved(s: string, at: number): void {
    this.table?.set(s, at);
  }

  /** Every string, with StringMap's guarantee for walks that changes interleave (the SCANs). */
  keys(): Iterator<string> {
    return this.tabled().keys();
  }

  /** The table, built now if there is none yet. */
  private tabled(): StringMap<number> {
    if (this.table === undefined) {
      const table = new StringMap<number>();
      const { items, stride } = this;
      for (let i = 0, at = 0; i < items.length; i += stride, at++) table.set(items[i]!, at);
      this.table = table;
    }
    return this.table;
  }
}
