// A deque of byte strings packed into one byte array: a node of a list (quicklist.ts), which
// keeps a list's elements in a sequence of these, each of at most a few KB, as Redis keeps them
// in listpacks of up to 8 KB. An array of JavaScript strings would cost 40 bytes or more a
// 16-byte element (an 8-byte slot plus a 32-byte string object); here the elements' bytes sit
// back to back in `data` and a second array holds their boundaries: 16 + 2 bytes for a 16-byte
// element, plus the free room kept at the ends.
//
// The used bytes form one run in `data`, with free room before it (for pushes at the front)
// and after it (for pushes at the back); `bounds` is laid out the same way. A push that finds no
// room on its side moves the run (recentring, or growing), so pushes and pops at both ends are
// amortised O(1), and element i is found in O(1): it is data[bounds[lo + i], bounds[lo + i + 1]).
// Edits in the middle (set, insert, removeEqual) move the shorter side.
import { ByteBuffer, copyBytes } from "../protocol/latin1.ts";

/** Where `writeBulk` sends an element: the reply writer (protocol/encoder.ts). */
export interface BulkWriter {
  bulkBytes(src: Uint8Array, s: number, e: number): void;
}

/** Capacities start this small: most lists are short, and each is one object of this kind. */
const MIN_BYTES = 64;
const MIN_SLOTS = 8;
/**
 * While its capacity is below these, a deque keeps at least half of it free, and doubles: room
 * for pushes without moving the run often. From them on it grows only when full (a list's node
 * is at most about this large, see quicklist.ts; one element alone may be larger).
 */
export const NODE_BYTES = 8 * 1024;
export const NODE_SLOTS = 1024;
/** Typed array offsets are 32-bit here, so one deque's bytes stay below 4 GiB. */
const MAX_BYTES = 0xffff_ffff;
/** Offsets up to this fit the 2-byte bounds every deque of a few KB uses. */
const NARROW_MAX = 0xffff;

/** Element boundaries: 2 bytes each while the data fits in 64 KB, 4 beyond. */
type Bounds = Uint16Array | Uint32Array;

function newBounds(slots: number, dataBytes: number): Bounds {
  return dataBytes > NARROW_MAX ? new Uint32Array(slots) : new Uint16Array(slots);
}

/** A new capacity for `need` units: double, at least `min`, at most `max` unless `need` is more. */
function grown(need: number, min: number, max: number): number {
  return Math.max(min, need, Math.min(2 * need, max));
}

/**
 * True when `need` units call for a new array of `cap` rather than moving the run within it:
 * when they do not fit; while below `max`, once half full; or once the elements take an eighth
 * of it (giving memory back after pops).
 */
function reallocate(need: number, cap: number, min: number, max: number): boolean {
  return need > cap || (cap < max && need > cap >> 1) || (cap > 4 * min && need < cap >> 3);
}

/** A double-ended queue of byte strings (one char per byte). */
export class Deque {
  private data: ByteBuffer;
  private bounds: Bounds;
  /** Index in `bounds` of the first element's start; `hi` is that of the last one's end. */
  private lo: number;
  private hi: number;
  /**
   * Where pushes are expected: -1 at the back only, 1 at the front only (a list's end nodes), 0
   * at both. A push on the expected side that finds no room moves all the free room there;
   * otherwise three quarters of it go to the side pushed.
   */
  private readonly side: number;

  /**
   * An empty deque with room for `bytes` bytes and `slots - 1` elements, all of it at the back
   * (`side` < 0), at the front (`side` > 0), or half on each side (see `side` above).
   */
  constructor(bytes = MIN_BYTES, slots = MIN_SLOTS, side = 0) {
    this.data = new ByteBuffer(bytes);
    this.bounds = newBounds(slots, bytes);
    this.side = side;
    this.lo = this.hi = side < 0 ? 0 : side > 0 ? slots - 1 : slots >> 1;
    this.bounds[this.lo] = side < 0 ? 0 : side > 0 ? bytes : bytes >> 1;
  }

  /** Number of elements. */
  get length(): number {
    return this.hi - this.lo;
  }

  /** Bytes the elements take (without the free room). */
  get bytes(): number {
    return this.bounds[this.hi] - this.bounds[this.lo];
  }

  /** Appends byte string `s` at the back. */
  pushBack(s: string): void {
    const n = s.length;
    this.reserve(false, n);
    const end = this.bounds[this.hi];
    this.data.writeLatin1(s, end);
    this.bounds[++this.hi] = end + n;
  }

  /** Prepends byte string `s` at the front. */
  pushFront(s: string): void {
    const n = s.length;
    this.reserve(true, n);
    const start = this.bounds[this.lo] - n;
    this.data.writeLatin1(s, start);
    this.bounds[--this.lo] = start;
  }

  /** Appends bytes [s, e) of `src` at the back, without making a string of them. */
  pushBackBytes(src: Uint8Array, s: number, e: number): void {
    const n = e - s;
    this.reserve(false, n);
    const end = this.bounds[this.hi];
    copyBytes(src, s, e, this.data.bytes, end);
    this.bounds[++this.hi] = end + n;
  }

  /** Prepends bytes [s, e) of `src` at the front, without making a string of them. */
  pushFrontBytes(src: Uint8Array, s: number, e: number): void {
    const n = e - s;
    this.reserve(true, n);
    const start = this.bounds[this.lo] - n;
    copyBytes(src, s, e, this.data.bytes, start);
    this.bounds[--this.lo] = start;
  }

  /** Removes and returns the first element, or undefined when empty. */
  popFront(): string | undefined {
    if (this.hi === this.lo) return undefined;
    const b = this.bounds;
    const s = this.data.latin1(b[this.lo], b[this.lo + 1]);
    this.lo++;
    this.afterRemove();
    return s;
  }

  /** Removes and returns the last element, or undefined when empty. */
  popBack(): string | undefined {
    if (this.hi === this.lo) return undefined;
    const b = this.bounds;
    const s = this.data.latin1(b[this.hi - 1], b[this.hi]);
    this.hi--;
    this.afterRemove();
    return s;
  }

  /** Element i (0 ≤ i < length). */
  at(i: number): string {
    const k = this.lo + i;
    return this.data.latin1(this.bounds[k], this.bounds[k + 1]);
  }

  /**
   * Writes element i as a bulk string reply, straight from the packed bytes (LRANGE, LINDEX:
   * no string is built for it).
   */
  writeBulk(i: number, out: BulkWriter): void {
    const k = this.lo + i;
    out.bulkBytes(this.data.bytes, this.bounds[k], this.bounds[k + 1]);
  }

  /** `writeBulk` of the elements [from, to), in order, or last to first when `reversed`. */
  writeRange(from: number, to: number, reversed: boolean, out: BulkWriter): void {
    const d = this.data.bytes;
    const b = this.bounds;
    const lo = this.lo;
    if (!reversed) {
      for (let k = lo + from; k < lo + to; k++) out.bulkBytes(d, b[k], b[k + 1]);
      return;
    }
    for (let k = lo + to - 1; k >= lo + from; k--) out.bulkBytes(d, b[k], b[k + 1]);
  }

  /** Length in bytes of element i. */
  sizeAt(i: number): number {
    const k = this.lo + i;
    return this.bounds[k + 1] - this.bounds[k];
  }

  /** True when element i equals byte string `s`, compared in place. */
  equals(i: number, s: string): boolean {
    const k = this.lo + i;
    const start = this.bounds[k];
    const n = s.length;
    if (this.bounds[k + 1] - start !== n) return false;
    const d = this.data.bytes;
    for (let j = 0; j < n; j++) if (d[start + j] !== s.charCodeAt(j)) return false;
    return true;
  }

  /** Replaces element i with `s`. */
  set(i: number, s: string): void {
    const delta = s.length - this.sizeAt(i);
    if (delta !== 0) this.resizeAt(i, delta);
    this.data.writeLatin1(s, this.bounds[this.lo + i]);
  }

  /** Inserts `s` so that it becomes element i (0 ≤ i ≤ length). */
  insert(i: number, s: string): void {
    if (i === 0) return this.pushFront(s);
    if (i === this.length) return this.pushBack(s);
    // Insert an empty element next to i's neighbour on the shorter side, then give it room.
    const front = i < this.length - i;
    this.reserve(front, 0);
    const b = this.bounds;
    if (front) {
      b.copyWithin(this.lo - 1, this.lo, this.lo + i + 1);
      this.lo--;
    } else {
      b.copyWithin(this.lo + i + 1, this.lo + i, this.hi + 1);
      this.hi++;
    }
    this.set(i, s);
  }

  /** Keeps only the elements [start, end) (0 ≤ start ≤ end ≤ length). */
  trim(start: number, end: number): void {
    this.hi = this.lo + end;
    this.lo += start;
    this.afterRemove();
  }

  /**
   * Removes up to `limit` elements equal to `s` (0: all), scanning from the back when
   * `fromBack`; returns how many went. One compacting pass, whatever the number removed.
   */
  removeEqual(s: string, limit: number, fromBack: boolean): number {
    const n = this.length;
    const doomed = new Uint8Array(n);
    let found = 0;
    for (let j = 0; j < n && (limit === 0 || found < limit); j++) {
      const i = fromBack ? n - 1 - j : j;
      if (this.equals(i, s)) {
        doomed[i] = 1;
        found++;
      }
    }
    if (found === 0) return 0;
    // Slide the kept elements towards the front, in order.
    const b = this.bounds;
    const d = this.data.bytes;
    let write = this.lo;
    let at = b[this.lo];
    for (let i = 0; i < n; i++) {
      const k = this.lo + i;
      const s0 = b[k];
      const e0 = b[k + 1];
      if (doomed[i]) continue;
      if (s0 !== at) d.copyWithin(at, s0, e0);
      b[write++] = at;
      at += e0 - s0;
    }
    b[write] = at;
    this.hi = write;
    this.afterRemove();
    return found;
  }

  /** A deep copy. */
  clone(): Deque {
    return this.copy(0, this.length);
  }

  /** Bytes the elements [0, i) take. */
  bytesBefore(i: number): number {
    return this.bounds[this.lo + i] - this.bounds[this.lo];
  }

  /** Removes the elements from i on and returns them as a deque of their own. */
  splitOff(i: number): Deque {
    const rest = this.copy(i, this.length);
    this.trim(0, i);
    return rest;
  }

  /**
   * Gives up all free room (a list's node that filled up: it is pushed no more unless it becomes
   * an end node again, and then grows as any deque does).
   */
  shrinkToFit(): void {
    const n = this.length;
    const used = this.bytes;
    if (this.data.bytes.length === used && this.bounds.length === n + 1) return;
    const tight = this.copy(0, n, false);
    this.data = tight.data;
    this.bounds = tight.bounds;
    this.lo = tight.lo;
    this.hi = tight.hi;
  }

  /** Appends every element of `other`, in order. */
  append(other: Deque): void {
    const b = other.bounds;
    const d = other.data.bytes;
    for (let k = other.lo; k < other.hi; k++) this.pushBackBytes(d, b[k], b[k + 1]);
  }

  /**
   * A new deque holding copies of the elements [from, to), with a quarter more room, or none
   * (`room` false: its buffers hold the elements exactly).
   */
  private copy(from: number, to: number, room = true): Deque {
    const n = to - from;
    const start = this.bounds[this.lo + from];
    const used = this.bounds[this.lo + to] - start;
    const c = room
      ? new Deque(
        Math.max(MIN_BYTES, used + (used >> 2) + 2),
        Math.max(MIN_SLOTS, n + (n >> 2) + 3),
      )
      : new Deque(used, n + 1);
    c.lo = (c.bounds.length - n - 1) >> 1;
    c.hi = c.lo + n;
    const at = (c.data.bytes.length - used) >> 1;
    c.data.bytes.set(this.data.bytes.subarray(start, start + used), at);
    const delta = at - start;
    for (let i = 0; i <= n; i++) c.bounds[c.lo + i] = this.bounds[this.lo + from + i] + delta;
    return c;
  }

  /** Every element, front to back. */
  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  /** Grows element i by `delta` bytes (shrinks when negative), moving the shorter side. */
  private resizeAt(i: number, delta: number): void {
    const front = i < this.length - 1 - i;
    if (delta > 0) this.reserve(front, delta);
    const b = this.bounds;
    const d = this.data.bytes;
    const k = this.lo + i;
    if (front) {
      // Elements 0..i-1 and the start of i move by -delta.
      d.copyWithin(b[this.lo] - delta, b[this.lo], b[k]);
      for (let j = this.lo; j <= k; j++) b[j] -= delta;
    } else {
      d.copyWithin(b[k + 1] + delta, b[k + 1], b[this.hi]);
      for (let j = k + 1; j <= this.hi; j++) b[j] += delta;
    }
    if (delta < 0) this.afterRemove();
  }

  /** Ensures room for one more bound and `n` more bytes at the front or the back. */
  private reserve(front: boolean, n: number): void {
    const b = this.bounds;
    if (front ? b[this.lo] < n : b[this.hi] + n > this.data.bytes.length) this.moveData(front, n);
    if (front ? this.lo === 0 : this.hi + 1 >= b.length) this.moveBounds(front);
  }

  /** Gives back memory once the elements take a small part of it. */
  private afterRemove(): void {
    const cap = this.data.bytes.length;
    if (cap > 4 * MIN_BYTES && this.bytes < cap >> 3) this.moveData(false, 0);
    const slots = this.bounds.length;
    if (slots > 4 * MIN_SLOTS && this.length < slots >> 3) this.moveBounds(false);
  }

  /**
   * Moves the used bytes (into a larger or smaller array when needed) so that `n` bytes fit on
   * the given side, which gets all the free room when it is the deque's `side`, else three
   * quarters of it.
   */
  private moveData(front: boolean, n: number): void {
    const b = this.bounds;
    const start = b[this.lo];
    const end = b[this.hi];
    const used = end - start;
    const need = used + n;
    const cap = this.data.bytes.length;
    let target = this.data;
    if (reallocate(need, cap, MIN_BYTES, NODE_BYTES)) {
      const size = grown(need, MIN_BYTES, NODE_BYTES);
      if (size > MAX_BYTES) throw new RangeError("list too large");
      target = new ByteBuffer(size);
      // Offsets past 64 KB need 4-byte bounds (an element of its own that large, see quicklist.ts).
      if (size > NARROW_MAX && b instanceof Uint16Array) this.bounds = Uint32Array.from(b);
    }
    const free = target.bytes.length - need;
    const lead = this.roomFor(front, free);
    const at = front ? n + lead : free - lead;
    if (target === this.data) target.bytes.copyWithin(at, start, end);
    else {
      target.bytes.set(this.data.bytes.subarray(start, end), at);
      this.data = target;
    }
    const delta = at - start;
    const bounds = this.bounds;
    if (delta !== 0) { for (let k = this.lo; k <= this.hi; k++) bounds[k] += delta; }
  }

  /** Of `free` units of room, those to keep on the side pushed (the front, or the back). */
  private roomFor(front: boolean, free: number): number {
    return this.side === (front ? 1 : -1) ? free : free - (free >> 2);
  }

  /** The same as `moveData` for the bounds: room for one more on the given side. */
  private moveBounds(front: boolean): void {
    const count = this.hi - this.lo + 1;
    const need = count + 1;
    const cap = this.bounds.length;
    let target = this.bounds;
    if (reallocate(need, cap, MIN_SLOTS, NODE_SLOTS)) {
      target = newBounds(grown(need, MIN_SLOTS, NODE_SLOTS), this.data.bytes.length);
    }
    const free = target.length - need;
    const lead = this.roomFor(front, free);
    const at = front ? 1 + lead : free - lead;
    if (target === this.bounds) target.copyWithin(at, this.lo, this.hi + 1);
    else target.set(this.bounds.subarray(this.lo, this.hi + 1), at);
    this.bounds = target;
    this.hi = at + count - 1;
    this.lo = at;
  }
}
