// Slab: the keyspace's short string values, kept as bytes in pages outside the JavaScript heap
// and referred to from the table by a small integer, their handle.
//
// Why: a value kept as a JavaScript string is an object of its own. A SET made one from the
// request's bytes, young, and stored it into the table, which is old: V8's write barrier ran
// (RecordWrite, 5% of the server's ticks under SET -P 16), and the string survived a scavenge or
// two to be copied into the old generation. Storing a constant string instead, the server took
// 1.72 µs of CPU a request under SET -P 16 against 2.24 (6 alternating rounds, bound to one
// CPU), Redis ~1.7. A handle is a small integer: no object to allocate, copy or trace, no
// barrier, and the 16 bytes of a string's header are saved on every value.
//
// A value of 1 to INLINE_MAX bytes goes into the size class of its length rounded up to 8
// bytes; a class is an array of pages of PAGE slots, handed out from a free list first. Longer
// and empty values stay strings. The handle holds the value's slot and its length:
// (slot << 6) | (length - 1), so the length gives the class.
import { ByteBuffer, decimalLength, writeDecimal } from "../protocol/latin1.ts";
import type { Held } from "./stringmap.ts";

/** The longest value kept in the slab, in bytes. */
export const INLINE_MAX = 64;
/** Size classes: class c holds values of 8c + 1 to 8c + 8 bytes. */
const CLASSES = INLINE_MAX / 8;
const PAGE_BITS = 10;
/** Slots in a page. */
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;
/**
 * Slots a class may hand out: handles stay below 2^30, small integers to V8 on every build
 * (31-bit ones with pointer compression). A class that is full leaves its values strings.
 */
const MAX_SLOTS = 1 << 24;

function classOf(h: number): number {
  return (h & 63) >> 3;
}

/** Copies bytes [s, e) of `src` (bytes, or a byte string) into `page` at `at`. */
function copyIn(src: Uint8Array | string, s: number, e: number, page: Uint8Array, at: number) {
  if (typeof src === "string") { for (let i = s; i < e; i++) page[at++] = src.charCodeAt(i); }
  else for (let i = s; i < e; i++) page[at++] = src[i];
}

export class Slab implements Held {
  /** Pages of each class; a slot of class c is 8(c + 1) bytes. */
  private pages: ByteBuffer[][] = [];
  /**
   * The bytes of page p of class c at element 8p + c: one array load finds a value's page (the
   * array of arrays cost GET 5% in-process).
   */
  private bytesOf: (Uint8Array | undefined)[] = [];
  /** Slots given back, per class: the next value of the class takes the last one. */
  private freed: number[][] = [];
  /** Slots of each class handed out at least once (the next new one). */
  private fresh = new Int32Array(CLASSES);
  /** Slots of each class in use. */
  private live = new Int32Array(CLASSES);
  /** Bytes of all pages. */
  bytes = 0;

  constructor() {
    this.reset();
  }

  /** Gives every page back: all handles handed out are void. */
  reset(): void {
    for (let c = 0; c < CLASSES; c++) this.empty(c, 0);
  }

  /**
   * Empties class `c`, keeping its first `keep` pages: a class whose last value went keeps one,
   * so that a key set and deleted in turn does not make a page each time.
   */
  private empty(c: number, keep: number): void {
    const pages = this.pages[c] ?? [];
    if (pages.length > keep) {
      this.bytes -= (pages.length - keep) * (PAGE << 3) * (c + 1);
      for (let p = keep; p < pages.length; p++) this.bytesOf[(p << 3) | c] = undefined;
      pages.length = keep;
    }
    this.pages[c] = pages;
    this.freed[c] = [];
    this.fresh[c] = 0;
    this.live[c] = 0;
  }

  /** Number of values held. */
  get size(): number {
    let n = 0;
    for (let c = 0; c < CLASSES; c++) n += this.live[c];
    return n;
  }

  /**
   * A slot for a value of `n` bytes (1 to INLINE_MAX): its handle, with the slot's page and
   * offset found by `page` and `start`; -1 when the class is full.
   */
  private take(n: number): number {
    const c = (n - 1) >> 3;
    const freed = this.freed[c];
    let slot: number;
    if (freed.length > 0) slot = freed.pop()!;
    else {
      slot = this.fresh[c];
      if (slot === MAX_SLOTS) return -1;
      const pages = this.pages[c];
      if (slot >> PAGE_BITS === pages.length) {
        const size = (PAGE << 3) * (c + 1);
        const page = new ByteBuffer(size);
        this.bytesOf[(pages.length << 3) | c] = page.bytes;
        pages.push(page);
        this.bytes += size;
      }
      this.fresh[c] = slot + 1;
    }
    this.live[c]++;
    return (slot << 6) | (n - 1);
  }

  /**
   * Stores bytes [s, e) of `src`, a request's bytes or a byte string (one char per byte): the
   * handle, or -1 when they must stay a string (see above).
   */
  store(src: Uint8Array | string, s: number, e: number): number {
    const n = e - s;
    if (n === 0 || n > INLINE_MAX) return -1;
    const h = this.take(n);
    if (h >= 0) copyIn(src, s, e, this.page(h), this.start(h));
    return h;
  }

  /**
   * Rewrites the value of `h` as bytes [s, e) of `src` (as `store`) in its own slot, when their
   * length is of its class (a value replaced by one of about its length, the common case): the
   * value's new handle, which takes the place of `h` (`h` itself when the length is the same);
   * or -1, and nothing written, when it is not.
   */
  rewrite(h: number, src: Uint8Array | string, s: number, e: number): number {
    const n = e - s;
    if (n === 0 || (n - 1) >> 3 !== classOf(h)) return -1;
    copyIn(src, s, e, this.page(h), this.start(h));
    return (h & ~63) | (n - 1);
  }

  /** `rewrite` of the decimal form of `n`, a safe integer (INCR's new value). */
  rewriteInt(h: number, n: number): number {
    const len = decimalLength(n);
    if ((len - 1) >> 3 !== classOf(h)) return -1;
    writeDecimal(this.page(h), this.start(h), n);
    return (h & ~63) | (len - 1);
  }

  /** Gives the slot of `h` back. A handle must be freed once, and not used after. */
  free(h: number): void {
    const c = classOf(h);
    // The class's memory goes back with its last value.
    if (--this.live[c] === 0) this.empty(c, 1);
    else this.freed[c].push(h >>> 6);
  }

  /** The bytes of the page that holds the value of `h`. */
  page(h: number): Uint8Array {
    return this.bytesOf[((h >>> (6 + PAGE_BITS)) << 3) | classOf(h)]!;
  }

  /** The offset of the value of `h` in its page. */
  start(h: number): number {
    return ((h >>> 6) & PAGE_MASK) * ((classOf(h) + 1) << 3);
  }

  /** The offset just past the value of `h` in its page. */
  end(h: number): number {
    return this.start(h) + (h & 63) + 1;
  }

  /** The first byte of the value of `h` (Keyspace.prefetch reads the values ahead so). */
  touch(h: number): number {
    return this.page(h)[this.start(h)];
  }

  /** The value of `h` as a byte string. */
  string(h: number): string {
    return this.pages[classOf(h)][h >>> (6 + PAGE_BITS)].latin1(this.start(h), this.end(h));
  }
}
