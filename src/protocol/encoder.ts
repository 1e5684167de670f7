// The reply writer: RESP2 replies appended to one reusable per-connection buffer, so a batch of
// pipelined requests is answered with a single write.
import { Buffer } from "node:buffer";
import { ByteBuffer, copyBytes, writeDecimal } from "./latin1.ts";

/** Each client starts small (idle connections are common) and grows with its replies. */
const INITIAL_SIZE = 4 * 1024;
/** After a batch, a buffer that grew past this shrinks back to INITIAL_SIZE. */
const SHRINK_ABOVE = 64 * 1024;
/**
 * `detach()` copies batches shorter than this, and lends the writer's own memory for longer
 * ones. Fresh memory is dear in Deno: a new ArrayBuffer took 1.4 µs at 80 bytes and 4.1 µs at
 * 8 KiB in one run of bench/protocol.bench.ts. node's Buffer pool carves small copies out of an
 * 8 KiB block without one, but a 2.3 KB LRANGE reply empties that block every third request,
 * and a batch past 4 KiB gets a block of its own. 16 pipelined LRANGE 0 99 (37 KB of replies)
 * took 77 µs in-process copied, 48 µs lent (bench/server.bench.ts).
 */
const LEND_FROM = 1024;
/** Sent buffers a writer keeps to write into again (each at most SHRINK_ABOVE bytes). */
const MAX_SPARES = 1;
const OK = new TextEncoder().encode("+OK\r\n");
const NIL = new TextEncoder().encode("$-1\r\n");
const NIL_ARRAY = new TextEncoder().encode("*-1\r\n");
const EMPTY_ARRAY = new TextEncoder().encode("*0\r\n");

/**
 * The most reply bytes one batch may hold (1 GiB): a command whose reply would pass it gets an
 * error instead, rather than taking the server's memory (SRANDMEMBER s -4611686018427387903).
 */
export const MAX_REPLY_BYTES = 1 << 30;

/** The shortest bulk string reply, `$0\r\n\r\n`: what `fits` assumes an element takes at least. */
export const MIN_BULK_BYTES = 6;

/** Thrown by the writer when a reply would pass MAX_REPLY_BYTES; dispatch turns it into an error. */
export class ReplyTooLarge extends Error {}

/** Where error replies are counted: in all, and by first word when `errorTypes` is there. */
export interface ErrorCounter {
  errorReplies: number;
  errorTypes?: Map<string, number>;
}

/** Distinct error types counted at most, as Redis's ERRORSTATS_LIMIT. */
const ERROR_TYPES_LIMIT = 128;

/** Appends RESP2 replies to a growable buffer; `take()` hands the bytes to the socket. */
export class ReplyWriter {
  mem = new ByteBuffer(INITIAL_SIZE);
  /** Bytes written so far. */
  length = 0;
  /** Memory `detach()` lent out and not yet given back with `recycle()`. */
  private readonly lent = new Set<ArrayBufferLike>();
  /** Lent memory given back: the socket sent it, so replies may be written into it again. */
  private readonly spares: ArrayBuffer[] = [];

  constructor(
    private readonly counter: ErrorCounter = { errorReplies: 0 },
    /** The reply limit; smaller only in tests. */
    private readonly maxBytes = MAX_REPLY_BYTES,
  ) {}

  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    const need = this.length + n;
    if (need > this.mem.bytes.length) {
      if (need > this.maxBytes) throw new ReplyTooLarge();
      this.mem.resize(
        Math.min(Math.max(need, this.mem.bytes.length * 2), this.maxBytes),
        this.length,
      );
    }
  }

  /** True when `count` more elements of at least `bytesEach` bytes would stay within the limit. */
  fits(count: number, bytesEach: number): boolean {
    return count * bytesEach <= this.maxBytes - this.length;
  }

  /** Drops what was written after the first `n` bytes (a command that failed midway). */
  truncate(n: number): void {
    if (n < this.length) this.length = n;
  }

  /** The bytes to send; call `reset()` once they were written. */
  take(): Uint8Array {
    return this.mem.bytes.subarray(0, this.length);
  }

  /**
   * Hands the replies written so far to the caller, who may keep them (a socket holds them until
   * they are sent), and empties the writer. A small batch is copied. From LEND_FROM bytes the
   * caller gets the writer's own memory instead, and the writer goes on in a spare buffer, or in
   * a new one; `isLent()` tells which happened, and `recycle()` takes lent memory back once it
   * has been sent.
   */
  detach(): Uint8Array {
    const n = this.length;
    if (n < LEND_FROM) {
      const bytes = Buffer.allocUnsafe(n);
      copyBytes(this.mem.bytes, 0, n, bytes, 0);
      this.reset();
      return bytes;
    }
    const bytes = this.mem.bytes.subarray(0, n);
    this.lent.add(bytes.buffer);
    const spare = this.spares.pop();
    this.mem = new ByteBuffer(spare ?? INITIAL_SIZE);
    this.length = 0;
    return bytes;
  }

  /** True when `bytes` came from `detach()` as lent memory: give it back with `recycle()`. */
  isLent(bytes: Uint8Array): boolean {
    return this.lent.has(bytes.buffer);
  }

  /**
   * Takes back memory `detach()` lent, once nothing reads it any more (the socket sent it). It is
   * written into again unless it is large or a spare is already kept; other memory is ignored.
   */
  recycle(bytes: Uint8Array): void {
    const buffer = bytes.buffer;
    if (!this.lent.delete(buffer)) return;
    if (this.spares.length < MAX_SPARES && buffer.byteLength <= SHRINK_ABOVE) {
      this.spares.push(buffer as ArrayBuffer);
    }
  }

  /** Empties the buffer, giving back memory a large reply made it take. */
  reset(): void {
    this.length = 0;
    if (this.mem.bytes.length > SHRINK_ABOVE) this.mem.resize(INITIAL_SIZE, 0);
  }

  private raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.mem.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  private byte(c: number): void {
    this.mem.bytes[this.length++] = c;
  }

  private crlf(): void {
    const b = this.mem.bytes;
    b[this.length++] = 13;
    b[this.length++] = 10;
  }

  /** Writes a number's decimal digits (room for 24 bytes must exist; more for a bigint or an
   * unsafe number, which makes its own room). */
  private digits(n: number | bigint): void {
    if (typeof n === "bigint" || !Number.isSafeInteger(n)) {
      // A bigint has no length limit: 24 bytes of room would silently truncate it.
      const s = String(n);
      this.room(s.length + 2); // and the CRLF after it
      this.length += this.mem.writeLatin1(s, this.length);
      return;
    }
    this.length = writeDecimal(this.mem.bytes, this.length, n);
  }

  /** +OK */
  ok(): void {
    this.raw(OK);
  }

  /** A simple string (+text); the text must not contain CR or LF. */
  simple(s: string): void {
    this.room(s.length + 3);
    this.byte(43);
    this.length += this.mem.writeLatin1(s, this.length);
    this.crlf();
  }

  /** An error (-CODE text); CR and LF inside are replaced by spaces, as Redis does. */
  error(s: string): void {
    this.counter.errorReplies++;
    const types = this.counter.errorTypes;
    if (types !== undefined) {
      const space = s.indexOf(" ");
      const type = space === -1 ? s : s.slice(0, space);
      const n = types.get(type);
      if (n !== undefined) types.set(type, n + 1);
      else if (types.size < ERROR_TYPES_LIMIT) types.set(type, 1);
    }
    if (s.includes("\r") || s.includes("\n")) s = s.replace(/[\r\n]/g, " ");
    this.room(s.length + 3);
    this.byte(45);
    this.length += this.mem.writeLatin1(s, this.length);
    this.crlf();
  }

  /** An integer (:n). */
  int(n: number | bigint): void {
    this.room(48);
    this.byte(58);
    this.digits(n);
    this.crlf();
  }

  /** A bulk string from a byte string. */
  bulk(s: string): void {
    const n = s.length;
    this.room(n + 32);
    this.byte(36);
    this.digits(n);
    this.crlf();
    this.length += this.mem.writeLatin1(s, this.length);
    this.crlf();
  }

  /** A bulk string from bytes [s, e) of `src`, copied without building a string. */
  bulkBytes(src: Uint8Array, s: number, e: number): void {
    const n = e - s;
    this.room(n + 32);
    this.byte(36);
    this.digits(n);
    this.crlf();
    copyBytes(src, s, e, this.mem.bytes, this.length);
    this.length += n;
    this.crlf();
  }

  /** A bulk string, or the null bulk string for undefined. */
  bulkOrNil(s: string | undefined): void {
    if (s === undefined) this.raw(NIL);
    else this.bulk(s);
  }

  /** The null bulk string ($-1). */
  nil(): void {
    this.raw(NIL);
  }

  /** An array header (*n); the n elements follow. */
  array(n: number): void {
    if (n === 0) return this.raw(EMPTY_ARRAY);
    this.room(32);
    this.byte(42);
    this.digits(n);
    this.crlf();
  }

  /** The null array (*-1). */
  nilArray(): void {
    this.raw(NIL_ARRAY);
  }

  /** An array of bulk strings. */
  bulks(items: readonly string[]): void {
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }
}
