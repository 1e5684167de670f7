// The request decoder: turns the bytes a client sends into argument vectors, incrementally.
//
// One decoder serves both protocols, as in Redis: a request starting with '*' is a RESP2 array of
// bulk strings, anything else is an inline line split with Redis's quoting rules. The decoder
// never copies arguments: each is a [start, end) range in its buffer, valid until the next call
// to `space()`. It never allocates for a length that a client only claims: the buffer grows with
// the bytes that actually arrive, up to the query buffer limit.
import { ByteBuffer } from "./latin1.ts";
import * as E from "./errors.ts";

/** `next()` found no complete request; read more bytes. */
export const NEED_MORE = 0;
/** `next()` decoded one request: `argc`, `starts`, `ends` describe it. */
export const REQUEST = 1;
/** `next()` found a protocol error: `error` says which; reply and close the connection. */
export const PROTOCOL_ERROR = 2;

const CR = 13;
const LF = 10;
const INITIAL_SIZE = 16 * 1024;
const MIN_READ = 4 * 1024;
/** Redis caps multibulk counts at INT_MAX. */
const MAX_MULTIBULK = 2147483647;

/** Limits the decoder enforces. */
export interface DecoderLimits {
  maxLineBytes: number;
  maxValueBytes: number;
  maxQueryBufferBytes: number;
}

/** Parses a decimal integer in bytes [s, e) as Redis's string2ll does (no '+', no leading
 * zeros, no "-0"); NaN when malformed. Lengths past 18 digits are out of any limit anyway. */
function parseLength(b: Uint8Array, s: number, e: number): number {
  if (s >= e || e - s > 18) return NaN;
  if (e - s === 1 && b[s] === 48) return 0;
  let neg = false;
  if (b[s] === 45) {
    neg = true;
    if (++s === e) return NaN;
  }
  if (b[s] < 49 || b[s] > 57) return NaN;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return neg ? -n : n;
}

/** isspace() in the C locale, as sdssplitargs uses it between arguments. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 0x20;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Incremental RESP2 + inline request decoder over one reusable buffer. */
export class RequestDecoder {
  readonly mem = new ByteBuffer(INITIAL_SIZE);
  /** Start of unconsumed bytes (the start of the request being decoded). */
  private start = 0;
  /** End of the bytes received. */
  private end = 0;
  /** Decode cursor inside the current request. */
  private pos = 0;
  /** Arguments still expected by the current multibulk request, or -1 between requests. */
  private pending = -1;
  /** Length of the bulk string whose header was read, or -1. */
  private bulkLen = -1;

  argc = 0;
  /** True when the last request was an inline line. */
  inline = false;
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  /** The protocol error text after PROTOCOL_ERROR. */
  error = "";

  constructor(private readonly limits: DecoderLimits) {}

  /** Bytes received and not yet decoded into a request. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** The free part of the buffer to read into; compacts or grows the buffer when needed. */
  space(): Uint8Array {
    const cap = this.mem.bytes.length;
    if (this.start === this.end && this.pending === -1) {
      // Idle: rewind, and give back memory a large request made us take.
      this.start = this.end = this.pos = 0;
      if (cap > 4 * INITIAL_SIZE) this.mem.resize(INITIAL_SIZE, 0);
    } else if (cap - this.end < MIN_READ) {
      // Compact first; grow (doubling, so copies stay amortized O(1) a byte) only when the
      // request in progress really fills the buffer.
      if (this.start > 0) this.shift(this.start);
      if (cap - this.end < MIN_READ) {
        this.mem.resize(Math.max(cap * 2, this.end + MIN_READ), this.end);
      }
    }
    return this.mem.bytes.subarray(this.end);
  }

  /** Records that `n` bytes were read into `space()`; false when the query buffer limit is hit. */
  commit(n: number): boolean {
    this.end += n;
    return this.end - this.start <= this.limits.maxQueryBufferBytes;
  }

  /** Moves the unconsumed bytes to the front of the buffer. */
  private shift(by: number): void {
    this.mem.bytes.copyWithin(0, by, this.end);
    this.rebase(by);
  }

  private rebase(by: number): void {
    this.start -= by;
    this.end -= by;
    this.pos -= by;
    for (let i = 0; i < this.argc; i++) {
      this.starts[i] -= by;
      this.ends[i] -= by;
    }
  }

  private pushArg(s: number, e: number): void {
    if (this.argc === this.starts.length) {
      const starts = new Int32Array(this.argc * 2);
      const ends = new Int32Array(this.argc * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[this.argc] = s;
    this.ends[this.argc] = e;
    this.argc++;
  }

  private fail(message: string): number {
    this.error = message;
    return PROTOCOL_ERROR;
  }

  /** Decodes the next request; see NEED_MORE, REQUEST and PROTOCOL_ERROR. */
  next(): number {
    for (;;) {
      if (this.pending === -1) {
        if (this.start >= this.end) return NEED_MORE;
        this.pos = this.start;
        this.argc = 0;
        this.inline = this.mem.bytes[this.start] !== 42;
        if (this.inline) {
          const r = this.decodeInline();
          if (r === REQUEST && this.argc === 0) continue; // blank line: no reply, as Redis
          return r;
        }
        const r = this.multibulkHeader();
        if (r !== REQUEST) return r;
        if (this.pending <= 0) {
          // "*0" and "*-1" are empty requests that Redis skips silently.
          this.pending = -1;
          this.start = this.pos;
          continue;
        }
      }
      const r = this.bulks();
      if (r !== REQUEST) return r;
      this.pending = -1;
      this.start = this.pos;
      return REQUEST;
    }
  }

  /** Finds the CR of a CRLF-terminated header line starting at pos; -1 when incomplete. */
  private headerEnd(tooBig: string): number {
    const b = this.mem.bytes;
    const limit = this.end - 1;
    for (let i = this.pos; i < limit; i++) {
      if (b[i] === CR) {
        return i;
      }
    }
    if (this.end - this.pos > this.limits.maxLineBytes) {
      this.error = tooBig;
      return -2;
    }
    return -1;
  }

  private multibulkHeader(): number {
    const cr = this.headerEnd(E.TOO_BIG_MBULK_COUNT);
    if (cr === -1) return NEED_MORE;
    if (cr === -2) return PROTOCOL_ERROR;
    const n = parseLength(this.mem.bytes, this.pos + 1, cr);
    if (Number.isNaN(n) || n > MAX_MULTIBULK) return this.fail(E.INVALID_MBULK_LENGTH);
    this.pos = cr + 2;
    this.pending = n;
    return REQUEST;
  }

  private bulks(): number {
    const b = this.mem.bytes;
    while (this.pending > 0) {
      if (this.bulkLen === -1) {
        const cr = this.headerEnd(E.TOO_BIG_BULK_COUNT);
        if (cr === -1) return NEED_MORE;
        if (cr === -2) return PROTOCOL_ERROR;
        if (b[this.pos] !== 36) return this.fail(E.expectedDollar(b[this.pos]));
        const n = parseLength(b, this.pos + 1, cr);
        if (Number.isNaN(n) || n < 0 || n > this.limits.maxValueBytes) {
          return this.fail(E.INVALID_BULK_LENGTH);
        }
        this.pos = cr + 2;
        this.bulkLen = n;
      }
      // As Redis, the two bytes after the payload are taken as its CRLF without looking.
      if (this.end - this.pos < this.bulkLen + 2) return NEED_MORE;
      this.pushArg(this.pos, this.pos + this.bulkLen);
      this.pos += this.bulkLen + 2;
      this.bulkLen = -1;
      this.pending--;
    }
    return REQUEST;
  }

  /** Decodes one inline line, unescaping quoted arguments in place (they only ever shrink). */
  private decodeInline(): number {
    const b = this.mem.bytes;
    let nl = b.indexOf(LF, this.start);
    if (nl === -1 || nl >= this.end) {
      if (this.end - this.start > this.limits.maxLineBytes) return this.fail(E.TOO_BIG_INLINE);
      return NEED_MORE;
    }
    if (nl - this.start > this.limits.maxLineBytes) return this.fail(E.TOO_BIG_INLINE);
    const next = nl + 1;
    if (nl > this.start && b[nl - 1] === CR) nl--;
    if (!this.splitArgs(this.start, nl)) return this.fail(E.UNBALANCED_QUOTES);
    this.start = this.pos = next;
    return REQUEST;
  }

  /** sdssplitargs over bytes [p, end): Redis's rules for quotes, escapes and separators. */
  private splitArgs(p: number, end: number): boolean {
    const b = this.mem.bytes;
    for (;;) {
      while (p < end && isSpace(b[p])) p++;
      if (p >= end || b[p] === 0) return true;
      const tokenStart = p;
      let w = p;
      let inDouble = false;
      let inSingle = false;
      for (;;) {
        if (inDouble) {
          if (p >= end) return false;
          const c = b[p];
          if (
            c === 92 && p + 3 < end && b[p + 1] === 120 && hexValue(b[p + 2]) >= 0 &&
            hexValue(b[p + 3]) >= 0
          ) {
            b[w++] = hexValue(b[p + 2]) * 16 + hexValue(b[p + 3]);
            p += 4;
          } else if (c === 92 && p + 1 < end) {
            const e = b[p + 1];
            b[w++] = e === 110
              ? 10
              : e === 114
              ? 13
              : e === 116
              ? 9
              : e === 98
              ? 8
              : e === 97
              ? 7
              : e;
            p += 2;
          } else if (c === 34) {
            // The closing quote must be followed by a space or nothing at all.
            if (p + 1 < end && !isSpace(b[p + 1])) return false;
            p++;
            break;
          } else {
            b[w++] = c;
            p++;
          }
        } else if (inSingle) {
          if (p >= end) return false;
          const c = b[p];
          if (c === 92 && p + 1 < end && b[p + 1] === 39) {
            b[w++] = 39;
            p += 2;
          } else if (c === 39) {
            if (p + 1 < end && !isSpace(b[p + 1])) return false;
            p++;
            break;
          } else {
            b[w++] = c;
            p++;
          }
        } else {
          if (p >= end) break;
          const c = b[p];
          if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0) break;
          if (c === 34) inDouble = true;
          else if (c === 39) inSingle = true;
          else b[w++] = c;
          p++;
        }
      }
      this.pushArg(tokenStart, w);
      if (p < end && b[p] === 0) return true;
    }
  }
}
