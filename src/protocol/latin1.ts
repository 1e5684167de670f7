// Byte strings: keyval keeps keys and string values as JavaScript strings with one char per byte
// (latin1). That is binary-exact, needs no UTF-8 round trip, and costs V8 one byte per char.
import { Buffer } from "node:buffer";

const fcc = String.fromCharCode;

/**
 * Strings are built in JavaScript below this many bytes and by the native latin1 codec from it
 * on: one fromCharCode call with exactly as many arguments as the string has bytes, which V8
 * builds flat in one allocation (24 ns for 16 bytes, against 57 ns through the native codec;
 * bench/protocol.bench.ts). Appending char by char, as short strings once were, allocated every
 * intermediate string: 120 bytes of garbage for a 5-byte key. From 13 chars
 * (ConsString::kMinLength) it also built ropes, which cost memory when stored and a flattening on
 * every hash or compare.
 */
const NATIVE_MIN = 33;

/** fromCharCode over bytes [s, s + n) in one call, for each n in [1, NATIVE_MIN). */
const exactly: ((b: Uint8Array, s: number) => string)[] = [() => ""];
for (let n = 1; n < NATIVE_MIN; n++) {
  const args = Array.from({ length: n }, (_, i) => `b[s + ${i}]`).join(", ");
  // Generated once at load from constants only: no input ever reaches this code.
  exactly[n] = new Function("f", `return (b, s) => f(${args});`)(fcc);
}
/** Writing strings into the buffer stays in JavaScript below this length. */
const NATIVE_WRITE_MIN = 32;
/** Copies between byte arrays stay in JavaScript up to this length. */
const COPY_LOOP_MAX = 64;

/**
 * Copies bytes [s, e) of `src` into `dst` at `at`. Short runs go byte by byte: `set` needs a
 * subarray view of the source, an object of ~100 bytes for the garbage collector per call (an
 * LPUSH of a 16-byte element allocated 260 bytes in all with it).
 */
export function copyBytes(
  src: Uint8Array,
  s: number,
  e: number,
  dst: Uint8Array,
  at: number,
): void {
  if (e - s <= COPY_LOOP_MAX) { for (let i = s; i < e; i++) dst[at++] = src[i]; }
  else dst.set(src.subarray(s, e), at);
}

/** Bytes of the decimal form of `n`, a safe integer (its '-' included). */
export function decimalLength(n: number): number {
  let len = n < 0 ? 2 : 1;
  if (n < 0) n = -n;
  for (let p = 10; p <= n; p *= 10) len++;
  return len;
}

/**
 * Writes the decimal form of `n`, a safe integer, into `b` at `at` (room for it must exist);
 * returns the offset past it. The digits are counted, then written from the last one back: no
 * scratch copy (a subarray for it cost more than the digits themselves).
 */
export function writeDecimal(b: Uint8Array, at: number, n: number): number {
  const end = at + decimalLength(n);
  if (n < 0) {
    b[at] = 45;
    n = -n;
  }
  let i = end;
  do {
    const q = Math.floor(n / 10);
    b[--i] = 48 + (n - q * 10);
    n = q;
  } while (n > 0);
  return end;
}

/** True when bytes [s, e) of `b` spell `word` (lower-case ASCII) in any case. */
export function equalsIgnoreCase(b: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let j = 0; j < word.length; j++) {
    const c = b[s + j];
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(j)) return false;
  }
  return true;
}

/** The last generation any ByteBuffer took: no two buffers, nor two states of one, share one. */
let lastGeneration = 0;

/** A Uint8Array together with a node Buffer view of the same memory, for native latin1 codecs. */
export class ByteBuffer {
  bytes: Uint8Array;
  view: Buffer;
  /**
   * A number that stands for this buffer with the bytes it holds now: a new one whenever bytes
   * already in it may change (`newGeneration`, which its owner calls before it writes over them:
   * a request decoder before each read into it and when it unescapes an inline line in place;
   * and `resize`). What was computed from bytes [s, e) of the buffer at one generation holds for
   * as long as it lasts, and holding the number keeps no buffer alive (keyspace.ts keeps the
   * hashes of keys read ahead so).
   */
  generation = ++lastGeneration;
  /** New zeroed memory of `size` bytes, or the `memory` given, as it is. */
  constructor(sizeOrMemory: number | ArrayBuffer) {
    // Two calls, one per overload of the Uint8Array constructor.
    this.bytes = typeof sizeOrMemory === "number"
      ? new Uint8Array(sizeOrMemory)
      : new Uint8Array(sizeOrMemory);
    this.view = Buffer.from(this.bytes.buffer, 0, this.bytes.length);
  }

  /** Gives the buffer a new generation: call it before writing over bytes it holds. */
  newGeneration(): void {
    this.generation = ++lastGeneration;
  }

  /** Replaces the memory with a larger (or smaller) block, keeping the first `keep` bytes. */
  resize(size: number, keep: number): void {
    this.newGeneration();
    const next = new Uint8Array(size);
    if (keep > 0) next.set(this.bytes.subarray(0, keep));
    this.bytes = next;
    this.view = Buffer.from(next.buffer, 0, size);
  }

  /** The bytes [start, end) as a byte string. */
  latin1(start: number, end: number): string {
    const n = end - start;
    return n < NATIVE_MIN ? exactly[n](this.bytes, start) : this.view.latin1Slice(start, end);
  }

  /** Writes a byte string at `offset` (the caller made room); returns the bytes written. */
  writeLatin1(s: string, offset: number): number {
    const n = s.length;
    if (n >= NATIVE_WRITE_MIN) return this.view.latin1Write(s, offset, n);
    const b = this.bytes;
    for (let i = 0; i < n; i++) b[offset + i] = s.charCodeAt(i);
    return n;
  }
}

declare module "node:buffer" {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    latin1Write(s: string, offset: number, length: number): number;
  }
}

/** A byte string from UTF-8 text (for replies built from JavaScript text such as INFO). */
export function fromText(text: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return Buffer.from(text, "utf8").toString("latin1");
}

/** UTF-8 text from a byte string (for logs and messages a person reads). */
export function toText(s: string): string {
  return Buffer.from(s, "latin1").toString("utf8");
}

/** A byte string from raw bytes. */
export function fromBytes(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

/** Raw bytes from a byte string. */
export function toBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "latin1"));
}
