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
// A slot is (page << PAGE_BITS) | index. The first page starts at FIRST_PAGE slots and doubles
// up to a full one, so that a few keys with a TTL take a few bytes and not a page.
//
// A free slot holds a negative number, a time never is (Unix ms: a time not in the future
// deletes its key instead). Free slots below `swept` are chained through the pages (a chained
// slot holds -2 - the next one), and a new time takes the last one given back. Slots from
// `swept` to `fresh`, the slots handed out so far, are free or not as their numbers say: a new
// time takes the first free one there when the chain is empty, and the janitor's tick chains
// them (`sweep`). Normally `swept` is `fresh` and there is nothing to sweep.
//
// Pages go back when the keys with a TTL become few (a quarter of the slots handed out, and two
// full pages or more): a compaction picks a `limit`, the slots for twice the keys left, drops the
// chain and sweeps from the first slot again, so new times go below the limit; on the janitor's
// tick it walks the keys and moves each time at or past the limit into a free slot below it,
// and when the walk is over the pages past the limit go. The walk sees every key there from its
// start to its end (StringMap.entries), and keys that come meanwhile get slots below the limit.
// If so many come that no slot is left below it, the compaction stops, and the sweep goes on
// over the slots past the limit.
import { type Held, StringMap } from "./stringmap.ts";

const PAGE_BITS = 12;
/** Slots in a full page: 32 KB, small enough for V8 to allocate and fill at once. */
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;
/** Slots the first page starts with. */
const FIRST_PAGE = 16;
/** The chain of free slots ends here. */
const NONE = -1;
/** What a free slot out of the chain holds. */
const UNCHAINED = -1;
/** Slots a tick's sweep reads between looks at the clock. */
const SWEEP_STEP = 4096;
/** Keys a compaction's walk looks at between looks at the clock. */
const WALK_STEP = 64;

export class Expiries implements Held {
  /** Key → slot of its time. */
  private readonly index = new StringMap<number>();
  private pages: Float64Array[] = [];
  /** The last slot given back below `swept`, which holds the one given back before it, and so on. */
  private freed = NONE;
  /** Slots handed out at least once (the next new one). */
  private fresh = 0;
  /** Slots below it that are free are in the chain. */
  private swept = 0;
  /** While a compaction goes on, the slots it keeps; Infinity otherwise. */
  private limit = Infinity;
  /** The compaction's walk of the keys, while one goes on. */
  private walk: Iterator<[string, number]> | undefined;

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

  /**
   * Moves a resize of the table on, then the sweep and a compaction of the pages (starting one
   * if the pages are mostly free), until all are done or `performance.now()` passes `deadline`
   * (the janitor's tick; see StringMap.advanceResize): true when work is left.
   */
  advanceResize(deadline: number): boolean {
    if (this.index.advanceResize(deadline)) return true;
    if (this.walk === undefined) this.startCompaction();
    return this.sweep(deadline) || this.compact(deadline);
  }

  /** True while the table resizes (`sample` leaves out the keys its old table holds). */
  get resizing(): boolean {
    return this.index.resizing;
  }

  /** True while a compaction goes on. */
  get compacting(): boolean {
    return this.walk !== undefined;
  }

  /** Every key with its time, walked as StringMap.entries walks. */
  *entries(): Generator<[string, number], void, undefined> {
    for (const [key, slot] of this.index.entries()) yield [key, this.timeAt(slot)];
  }

  /**
   * The janitor's sampling: visits up to `count` keys with their times from `cursor` on, and
   * returns the cursor to go on from, 0 after the last key (StringMap.visitSlots: move a resize
   * on first). `visit` returns true when it has removed the key it was given.
   */
  sample(cursor: number, count: number, visit: (key: string, at: number) => boolean): number {
    return this.index.visitSlots(cursor, count, (key, slot) => visit(key, this.timeAt(slot)));
  }

  /** Removes every time, and gives the pages back. */
  clear(): void {
    this.index.clear();
    this.pages = [];
    this.freed = NONE;
    this.fresh = 0;
    this.swept = 0;
    this.bytes = 0;
    this.stopCompaction();
  }

  private timeAt(slot: number): number {
    return this.pages[slot >> PAGE_BITS][slot & PAGE_MASK];
  }

  private write(slot: number, v: number): void {
    this.pages[slot >> PAGE_BITS][slot & PAGE_MASK] = v;
  }

  /** A slot holding `at`: the last one chained, else the first free one past them, else a new one. */
  private newSlot(at: number): number {
    let slot = this.freed;
    if (slot !== NONE) this.freed = -2 - this.timeAt(slot);
    else {
      slot = this.findFree();
      if (slot === NONE) slot = this.freshSlot();
    }
    this.write(slot, at);
    return slot;
  }

  /** The first free slot from `swept` on (and below the limit), or NONE; `swept` passes it. */
  private findFree(): number {
    const end = Math.min(this.fresh, this.limit);
    let slot = this.swept;
    while (slot < end && this.timeAt(slot) >= 0) slot++;
    if (slot === end) {
      this.swept = end;
      return NONE;
    }
    this.swept = slot + 1;
    return slot;
  }

  /**
   * A slot never handed out, with a page for it. A compaction with no room left below its
   * limit stops here, and the slots past the limit are searched first.
   */
  private freshSlot(): number {
    if (this.fresh >= this.limit) {
      this.stopCompaction();
      const slot = this.findFree();
      if (slot !== NONE) return slot;
    }
    const slot = this.fresh++;
    const p = slot >> PAGE_BITS;
    if (p === this.pages.length) this.addPage(p === 0 ? FIRST_PAGE : PAGE);
    else if ((slot & PAGE_MASK) === this.pages[p].length) this.growFirstPage();
    this.swept = this.fresh;
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
    if (slot < this.swept) {
      this.write(slot, -2 - this.freed);
      this.freed = slot;
    } else {
      this.write(slot, UNCHAINED);
    }
    return was;
  }

  /**
   * Chains the free slots from `swept` up to the end (the limit, during a compaction) until
   * `deadline`: true when some are left.
   */
  private sweep(deadline: number): boolean {
    const end = Math.min(this.fresh, this.limit);
    let slot = this.swept;
    while (slot < end) {
      const stop = Math.min(end, slot + SWEEP_STEP);
      for (; slot < stop; slot++) {
        if (this.timeAt(slot) >= 0) continue;
        this.write(slot, -2 - this.freed);
        this.freed = slot;
      }
      this.swept = slot;
      if (slot < end && performance.now() >= deadline) return true;
    }
    return false;
  }

  /** Starts a compaction if at most a quarter of the slots are used and a page would go. */
  private startCompaction(): void {
    const { fresh } = this;
    const used = this.index.size;
    if (fresh < 2 * PAGE || used * 4 > fresh) return;
    const limit = Math.max(1, Math.ceil((used * 2) / PAGE)) * PAGE;
    if (limit > fresh - PAGE) return;
    this.limit = limit;
    this.freed = NONE;
    this.swept = 0;
    this.walk = this.index.entries();
  }

  /**
   * Moves the compaction's walk on until `deadline`: each time at or past the limit goes to a
   * free slot below it. At the walk's end, the pages past the limit go. True when work is left.
   */
  private compact(deadline: number): boolean {
    for (let n = 1; this.walk !== undefined; n++) {
      const r = this.walk.next();
      if (r.done) {
        this.finishCompaction();
        return false;
      }
      const [key, slot] = r.value;
      if (slot >= this.limit) {
        const at = this.timeAt(slot);
        // Freed first: if no slot is left below the limit, this one may serve.
        this.write(slot, UNCHAINED);
        this.index.set(key, this.newSlot(at));
      }
      if (n % WALK_STEP === 0 && performance.now() >= deadline) return true;
    }
    return false;
  }

  private finishCompaction(): void {
    const keep = this.limit >> PAGE_BITS;
    for (let p = keep; p < this.pages.length; p++) this.bytes -= this.pages[p].length * 8;
    this.pages.length = keep;
    this.fresh = this.limit;
    this.swept = Math.min(this.swept, this.fresh);
    this.stopCompaction();
  }

  private stopCompaction(): void {
    this.limit = Infinity;
    this.walk = undefined;
  }
}
