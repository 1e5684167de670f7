// Expiries: the keyspace's expiry times, a table from key to a slot of a page of doubles that
// holds the key's time (Unix ms).
//
// Why not a StringMap<number> of the times themselves: a time in ms is past V8's small integers,
// so the table held each as a HeapNumber, an object of its own. `SET k v EX n` made one, young,
// and stored it into the table, which is old: the write barrier ran and the number survived
// scavenges to be copied, the cost the slab (slab.ts) took away from short values. Here the
// table holds the slot's number, a small integer, and a key given a new time keeps its slot: the
// time is written over the old one, and nothing is allocated. It also saves the number's 16 bytes
// (its header and value) for 8 in a page.
// A sorted set's scores stay a StringMap<number> (btree.ts): held this way, unpipelined ZADD over
// 100K members took 24.3 µs of server CPU against 22.0 (4 alternating rounds, bound to one CPU),
// and a score lookup among 1M members 452 ns against 356-378 in-process. A member's HeapNumber,
// copied by the scavenger right after the member's string, shares its cache line; a page is one
// more miss. A key's expiry time has no such neighbour: its string was copied from the values'
// table.
//
// A slot is (page << PAGE_BITS) | index; slots given back are chained through the pages
// themselves (a free slot holds the next free one), and the next new time takes the last one
// freed. The first page starts at FIRST_PAGE slots and doubles up to a full one, so that a few
// keys with a TTL take a few bytes and not a page. Pages are never given back but with the whole
// table (FLUSHALL): a keyspace whose keys with a TTL go from many to few keeps 8 bytes a slot for
// the most it ever had.
import { type Held, StringMap } from "./stringmap.ts";

const PAGE_BITS = 12;
/** Slots in a full page: 32 KB, small enough for V8 to allocate and fill at once. */
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;
/** Slots the first page starts with. */
const FIRST_PAGE = 16;
/** The chain of free slots ends here. */
const NONE = -1;

export class Expiries implements Held {
  /** Key → slot of its time. */
  private readonly index = new StringMap<number>();
  private pages: Float64Array[] = [];
  /** The last slot given back, which holds the one given back before it, and so on. */
  private freed = NONE;
  /** Slots handed out at least once (the next new one). */
  private fresh = 0;

  /** Bytes of all pages. */
  bytes = 0;

  /** Keys with a time. */
  get size(): number {
    return this.index.size;
  }

  /** The time of `key` (hash `h`), if it has one. */
  get(key: string, h?: number): number | undefined {
    const slot = this.index.get(key, h);
    return slot === undefined ? undefined : this.timeAt(slot);
  }

  /** `get` of the key held in bytes [s, e) of `b` (hash `h`, from hashOfBytes). */
  getBytes(b: Uint8Array, s: number, e: number, h: number): number | undefined {
    const slot = this.index.getBytes(b, s, e, h);
    return slot === undefined ? undefined : this.timeAt(slot);
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /**
   * Gives `key` (hash `h`) the time `at`, in its slot when it has one already: the time it had,
   * if any.
   */
  set(key: string, at: number, h?: number): number | undefined {
    const slot = this.index.get(key, h);
    if (slot === undefined) {
      this.index.set(key, this.newSlot(at), h);
      return undefined;
    }
    const was = this.timeAt(slot);
    this.write(slot, at);
    return was;
  }

  /**
   * Gives the key held in bytes [s, e) of `b` (hash `h`) the time `at` in its slot: the time it
   * had, or undefined (and nothing done) when it has none yet, which takes `set` and the key's
   * string.
   */
  setBytes(b: Uint8Array, s: number, e: number, at: number, h: number): number | undefined {
    const slot = this.index.getBytes(b, s, e, h);
    if (slot === undefined) return undefined;
    const was = this.timeAt(slot);
    this.write(slot, at);
    return was;
  }

  /** Removes the time of `key` (hash `h`): the time, or undefined when it had none. */
  take(key: string, h?: number): number | undefined {
    return this.give(this.index.take(key, h));
  }

  /** `take` of the key held in bytes [s, e) of `b` (hash `h`, from hashOfBytes). */
  takeBytes(b: Uint8Array, s: number, e: number, h: number): number | undefined {
    return this.give(this.index.takeBytes(b, s, e, h));
  }

  /** Reads ahead the entries and times of keys about to be looked up (StringMap.touch). */
  prefetch(hs: Int32Array, wants: Uint8Array, n: number): void {
    this.index.touch(hs, wants, n, this);
  }

  /** A number read from the time in `slot` (Held, for `prefetch`). */
  touch(slot: number): number {
    return this.timeAt(slot) > 0 ? 1 : 0;
  }

  /** Moves a resize of the table on until done or `deadline` (see StringMap.advanceResize). */
  advanceResize(deadline: number): boolean {
    return this.index.advanceResize(deadline);
  }

  /** Every key with its time, walked as StringMap.entries walks (the janitor). */
  *entries(): Generator<[string, number], void, undefined> {
    for (const [key, slot] of this.index.entries()) yield [key, this.timeAt(slot)];
  }

  /** Removes every time, and gives the pages back. */
  clear(): void {
    this.index.clear();
    this.pages = [];
    this.freed = NONE;
    this.fresh = 0;
    this.bytes = 0;
  }

  private timeAt(slot: number): number {
    return this.pages[slot >> PAGE_BITS][slot & PAGE_MASK];
  }

  private write(slot: number, v: number): void {
    this.pages[slot >> PAGE_BITS][slot & PAGE_MASK] = v;
  }

  /** A slot holding `at`: the last one freed, else a new one. */
  private newSlot(at: number): number {
    let slot = this.freed;
    if (slot !== NONE) {
      this.freed = this.timeAt(slot);
    } else {
      slot = this.fresh++;
      const p = slot >> PAGE_BITS;
      if (p === this.pages.length) this.addPage(p === 0 ? FIRST_PAGE : PAGE);
      else if ((slot & PAGE_MASK) === this.pages[p].length) this.growFirstPage();
    }
    this.write(slot, at);
    return slot;
  }

  private addPage(slots: number): void {
    this.pages.push(new Float64Array(slots));
    this.bytes += slots * 8;
  }

  /** Doubles the first page, the one page that is not full-sized from the start. */
  private growFirstPage(): void {
    const page = this.pages[0];
    const grown = new Float64Array(page.length * 2);
    grown.set(page);
    this.pages[0] = grown;
    this.bytes += page.length * 8;
  }

  /** Gives `slot` back, if there is one: the time it held. */
  private give(slot: number | undefined): number | undefined {
    if (slot === undefined) return undefined;
    const was = this.timeAt(slot);
    this.write(slot, this.freed);
    this.freed = slot;
    return was;
  }
}
