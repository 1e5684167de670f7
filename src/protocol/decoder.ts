// The request decoder: turns the bytes a client sends into argument vectors, incrementally.
//
// One decoder serves both protocols, as in Redis: a request starting with '*' is a RESP2 array of
// bulk strings, anything else is an inline line split with Redis's quoting rules. The decoder
// never copies arguments: each is a [start, end) range in its buffer, valid until the next call
// to `space()`. It never allocates for a length that a client only claims: the buffer grows with
// the bytes that actually arrive, up to the query buffer limit.
import { ByteBuffer, copyBytes } from "./latin1.ts";
import * as E from "./errors.ts";

/** `next()` found no complete request; read more bytes. */
export const NEED_MORE = 0;
/** `next()` decoded one request: `argc`, `starts`, `ends` describe it. */
export const REQUEST = 1;
/** `next()` found a protocol error: `error` says which; reply and close the connection. */
export const PROTOCOL_ERROR = 2;

const CR = 13;
const LF = 10;
/** Each client starts small (idle connections are common) and grows with what it sends. */
const INITIAL_SIZE = 4 * 1024;
const MIN_READ = 4 * 1024;
/** An idle client's buffer shrinks back to INITIAL_SIZE once it grew past this. */
const SHRINK_ABOVE = 64 * 1024;
/** Redis caps multibulk counts at INT_MAX. */
const MAX_MULTIBULK = 2147483647;

/** Limits the decoder enforces. */
export interface DecoderLimits {
  maxLineBytes: number;
  maxValueBytes: number;
  maxQueryBufferBytes: number;
}

/** The largest int64 as digits: string2ll rejects 19-digit values past it. */
const INT64_MAX_DIGITS = [9, 2, 2, 3, 3, 7, 2, 0, 3, 6, 8, 5, 4, 7, 7, 5, 8, 0, 7];

/** Parses a decimal integer in bytes [s, e) as Redis's string2ll does (no '+', no leading zeros,
 * no "-0", int64 range); NaN when malformed. Past 2^53 the value is approximate, which is exact
 * enough: it only meets limits far below it, and its sign survives. */
function parseLength(b: Uint8Array, s: number, e: number): number {
  if (s >= e || e - s > 20) return NaN;
  if (e - s === 1 && b[s] === 48) return 0;
  let neg = false;
  if (b[s] === 45) {
    neg = true;
    if (++s === e) return NaN;
  }
  if (b[s] < 49 || b[s] > 57 || e - s > 19) return NaN;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  if (e - s === 19) {
    // Compare the digits themselves: doubles cannot tell 2^63 - 1 from 2^63.
    for (let i = 0; i < 19; i++) {
      const d = b[s + i] - 48;
      const max = INT64_MAX_DIGITS[i] + (neg && i === 18 ? 1 : 0);
      if (d !== max) {
        if (d > max) return NaN;
        break;
      }
    }
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

/** Requests a lookahead covers at most. */
export const LOOKAHEAD = 32;
/** Arguments a lookahead covers at most, in all its requests. */
export const ARGS_AHEAD = 512;
/** Bytes `peek` reads of a header line, its '*' or '$' and CR included: 19 digits and a sign. */
const HEADER_DIGITS = 22;

/**
 * Where the arguments of each of the next complete requests waiting in a decoder's buffer lie
 * (`RequestDecoder.peek`), for reading ahead what they will look up (commands/table.ts
 * `prefetch`).
 */
export class Lookahead {
  count = 0;
  /** Request i's arguments are entries [first[i], first[i] + argc[i]) of starts and ends. */
  readonly first = new Int32Array(LOOKAHEAD);
  readonly argc = new Int32Array(LOOKAHEAD);
  /** An argument is bytes [starts[j], ends[j]) of the decoder's buffer. */
  readonly starts = new Int32Array(ARGS_AHEAD);
  readonly ends = new Int32Array(ARGS_AHEAD);
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
  /** Where the search for the current line's terminator stopped: a line that arrives in many
   * small reads is scanned once, not once per read. */
  private scanned = 0;

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

  /** True while `next()` has read part of a request and waits for the rest of it. */
  get midRequest(): boolean {
    return this.pending !== -1;
  }

  /** The free part of the buffer to read into; compacts or grows the buffer when needed. */
  space(): Uint8Array {
    this.makeRoom();
    return this.mem.bytes.subarray(this.end);
  }

  /** Compacts or grows the buffer when fewer than MIN_READ bytes are free; returns how many are. */
  private makeRoom(): number {
    // Whatever follows writes into the buffer (see ByteBuffer.generation).
    this.mem.newGeneration();
    const cap = this.mem.bytes.length;
    if (this.start === this.end && this.pending === -1) {
      // Idle: rewind, and give back memory a large request made us take.
      this.start = this.end = this.pos = 0;
      this.scanned = 0;
      if (cap > SHRINK_ABOVE) this.mem.resize(INITIAL_SIZE, 0);
    } else if (cap - this.end < MIN_READ) {
      // Compact first; grow (doubling, so copies stay amortized O(1) a byte) only when the
      // request in progress really fills the buffer. Past the query buffer limit the client is
      // closed, so the buffer never needs to be much larger than that limit.
      if (this.start > 0) this.shift(this.start);
      if (cap - this.end < MIN_READ) {
        const ceiling = this.limits.maxQueryBufferBytes + MIN_READ;
        this.mem.resize(Math.max(Math.min(cap * 2, ceiling), this.end + MIN_READ), this.end);
      }
    }
    return this.mem.bytes.length - this.end;
  }

  /**
   * Appends bytes [0, length) of `chunk`, received from the client; false when the query buffer
   * limit is hit.
   */
  feed(chunk: Uint8Array, length = chunk.length): boolean {
    for (let done = 0; done < length;) {
      const n = Math.min(this.makeRoom(), length - done);
      // A whole chunk is copied without a view of it: one allocation less per read.
      if (n === chunk.length) this.mem.bytes.set(chunk, this.end);
      else copyBytes(chunk, done, done + n, this.mem.bytes, this.end);
      done += n;
      if (!this.commit(n)) return false;
    }
    return true;
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
    this.scanned -= by;
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

  /**
   * Fills `ahead` with the next complete RESP requests waiting in the buffer, as many as fit in
   * it, and returns their count. Decodes and judges nothing: it stops at whatever `next()` has
   * to look at closely (an inline line, an empty array, a header of more than 20 chars, a request
   * not fully received); past a malformed header it reads garbage spans, never beyond the bytes
   * received.
   */
  peek(ahead: Lookahead): number {
    // Each call reads at most ARGS_AHEAD headers of at most HEADER_DIGITS bytes (and the
    // connection peeks at most once per request it runs, or per read): a header that never
    // ends, sent a byte at a time, costs no more than the decoder's own look at it.
    const { starts, ends } = ahead;
    const b = this.mem.bytes;
    const end = this.end;
    let p = this.start;
    let n = 0;
    let j = 0;
    while (n < LOOKAHEAD && p < end && b[p] === 42) {
      let argc = 0;
      let stop = Math.min(end, p + HEADER_DIGITS);
      for (p++; p < stop && b[p] !== CR; p++) argc = argc * 10 + b[p] - 48;
      if (p === stop) break;
      p += 2;
      if (!(argc >= 1 && j + argc <= ARGS_AHEAD)) break;
      ahead.first[n] = j;
      ahead.argc[n] = argc;
      for (let a = 0; a < argc; a++, j++) {
        if (p >= end || b[p] !== 36) return ahead.count = n;
        let len = 0;
        stop = Math.min(end, p + HEADER_DIGITS);
        for (p++; p < stop && b[p] !== CR; p++) len = len * 10 + b[p] - 48;
        if (p === stop) return ahead.count = n;
        starts[j] = p + 2;
        p += 2 + len + 2;
        if (!(len >= 0 && p <= end)) return ahead.count = n;
        ends[j] = starts[j] + len;
      }
      n++;
    }
    return ahead.count = n;
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

  /** Finds the CR of a header line starting at pos, as Redis does: the first CR (its LF is
   * taken without looking), -1 while no byte follows it yet, -2 when no CR came within
   * --max-line-bytes. A longer line whose CR did come is left to fail as a malformed number,
   * again as in Redis. */
  private headerEnd(tooBig: string): number {
    const b = this.mem.bytes;
    const end = this.end;
    let i = Math.max(this.pos, this.scanned);
    while (i < end && b[i] !== CR) i++;
    this.scanned = i;
    if (i === end && end - this.pos > this.limits.maxLineBytes) {
      this.error = tooBig;
      return -2;
    }
    return i < end - 1 ? i : -1;
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
    const end = this.end;
    // Only the received bytes are searched: past `end` lie stale bytes of earlier requests.
    let nl = Math.max(this.start, this.scanned);
    while (nl < end && b[nl] !== LF) nl++;
    // The limit applies to the line's text without its CRLF or LF, however it was split.
    if (nl === end) {
      this.scanned = end;
      const length = end - this.start - (b[end - 1] === CR ? 1 : 0);
      if (length > this.limits.maxLineBytes) return this.fail(E.TOO_BIG_INLINE);
      return NEED_MORE;
    }
    const next = nl + 1;
    if (nl > this.start && b[nl - 1] === CR) nl--;
    if (nl - this.start > this.limits.maxLineBytes) return this.fail(E.TOO_BIG_INLINE);
    // sdssplitargs reads a C string, so a NUL ends the line for it: the rest is ignored, and a
    // quote still open there is unbalanced. (Redis itself never finds the LF past a NUL and
    // waits for more input; answering is kinder than hanging.)
    for (let i = this.start; i < nl; i++) {
      if (b[i] === 0) {
        nl = i;
        break;
      }
    }
    if (!this.splitArgs(this.start, nl)) return this.fail(E.UNBALANCED_QUOTES);
    this.start = this.pos = next;
    return REQUEST;
  }

  /** sdssplitargs over bytes [p, end), which hold no NUL: Redis's rules for quotes, escapes and
   * separators. */
  private splitArgs(p: number, end: number): boolean {
    const b = this.mem.bytes;
    this.mem.newGeneration(); // the line's bytes are rewritten in place
    for (;;) {
      while (p < end && isSpace(b[p])) p++;
      if (p >= end) return true;
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
          if (c === 32 || c === 10 || c === 13 || c === 9) break;
          if (c === 34) inDouble = true;
          else if (c === 39) inSingle = true;
          else b[w++] = c;
          p++;
        }
      }
      this.pushArg(tokenStart, w);
    }
  }
}
