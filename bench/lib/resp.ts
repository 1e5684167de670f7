// A tiny byte-level RESP2 client codec for the bench tools: encodes commands into a reusable
// buffer and parses replies incrementally. Kept apart from src/ on purpose, so the tools that
// judge the server do not share its bugs.

/** One parsed RESP2 reply; errors are kept as values because the load test verifies them too. */
export type Reply = string | number | Uint8Array | null | RespError | Reply[];

/** An error reply (`-ERR ...`), as a value rather than a thrown exception. */
export class RespError {
  constructor(readonly message: string) {}
}

/** A command argument: text is encoded as UTF-8, bytes are sent as they are. */
export type Arg = string | number | Uint8Array;

const CR = 13;
const LF = 10;
const utf8 = new TextEncoder();
const latin1 = new TextDecoder("latin1");

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** Appends RESP2 arrays of bulk strings to one growable buffer, so a pipeline is one write. */
export class CommandWriter {
  private buf = new Uint8Array(16 * 1024);
  private len = 0;

  /** Number of bytes queued. */
  get length(): number {
    return this.len;
  }

  /** The queued bytes (a view into the internal buffer, valid until the next call). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** Forgets the queued bytes but keeps the buffer for the next batch. */
  clear(): void {
    this.len = 0;
  }

  /** Queues one command. */
  command(args: readonly Arg[]): void {
    this.header(42, args.length);
    for (const a of args) {
      if (a instanceof Uint8Array) {
        this.header(36, a.length);
        this.raw(a);
      } else {
        const s = typeof a === "number" ? String(a) : a;
        if (isAscii(s)) {
          // The common case: write the characters straight in, no intermediate array.
          this.header(36, s.length);
          this.reserve(s.length);
          this.ascii(s);
        } else {
          const body = utf8.encode(s);
          this.header(36, body.length);
          this.raw(body);
        }
      }
      this.crlf();
    }
  }

  private header(type: number, n: number): void {
    this.reserve(24);
    this.buf[this.len++] = type;
    this.ascii(String(n));
    this.crlf();
  }

  private ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }

  private crlf(): void {
    this.reserve(2);
    this.buf[this.len++] = CR;
    this.buf[this.len++] = LF;
  }

  private raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** Marker returned by `ReplyParser.next()` when the buffered bytes hold no complete reply. */
export const NEED_MORE: unique symbol = Symbol("need more");

/** Incremental RESP2 reply parser: feed it bytes with `push`, take replies with `next`. */
export class ReplyParser {
  private buf = new Uint8Array(64 * 1024);
  private start = 0;
  private end = 0;

  /** Space to read into; call `commit(n)` after reading n bytes into it. */
  space(min = 16 * 1024): Uint8Array {
    if (this.start === this.end) this.start = this.end = 0;
    if (this.buf.length - this.end < min) {
      const used = this.end - this.start;
      // Compact first; grow only when the unparsed tail itself is large.
      if (used + min <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array((used + min) * 2);
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = used;
    }
    return this.buf.subarray(this.end);
  }

  /** Marks n more bytes of `space()` as filled. */
  commit(n: number): void {
    this.end += n;
  }

  /** Copies bytes in (for callers that already hold a chunk). */
  push(chunk: Uint8Array): void {
    this.space(chunk.length).set(chunk);
    this.commit(chunk.length);
  }

  /** The next complete reply, or NEED_MORE. */
  next(): Reply | typeof NEED_MORE {
    const r = this.parse(this.start);
    if (r === undefined) return NEED_MORE;
    this.start = r[1];
    return r[0];
  }

  /** Parses one reply at `pos`; returns it and the position after it, or undefined if cut off. */
  private parse(pos: number): [Reply, number] | undefined {
    if (pos >= this.end) return undefined;
    const eol = this.lineEnd(pos + 1);
    if (eol < 0) return undefined;
    const type = this.buf[pos];
    const after = eol + 2;
    switch (type) {
      case 43: // '+'
        return [latin1.decode(this.buf.subarray(pos + 1, eol)), after];
      case 45: // '-'
        return [new RespError(latin1.decode(this.buf.subarray(pos + 1, eol))), after];
      case 58: // ':'
        return [this.int(pos + 1, eol), after];
      case 36: { // '$'
        const n = this.int(pos + 1, eol);
        if (n < 0) return [null, after];
        if (after + n + 2 > this.end) return undefined;
        return [this.buf.slice(after, after + n), after + n + 2];
      }
      case 42: { // '*'
        const n = this.int(pos + 1, eol);
        if (n < 0) return [null, after];
        const items: Reply[] = [];
        let p = after;
        for (let i = 0; i < n; i++) {
          const r = this.parse(p);
          if (r === undefined) return undefined;
          items.push(r[0]);
          p = r[1];
        }
        return [items, p];
      }
      default:
        throw new Error(`bad RESP type byte ${type} at offset ${pos - this.start}`);
    }
  }

  private lineEnd(from: number): number {
    for (let i = from; i + 1 < this.end; i++) {
      if (this.buf[i] === CR && this.buf[i + 1] === LF) return i;
    }
    return -1;
  }

  private int(s: number, e: number): number {
    let neg = false;
    let n = 0;
    if (this.buf[s] === 45) {
      neg = true;
      s++;
    }
    for (let i = s; i < e; i++) n = n * 10 + (this.buf[i] - 48);
    return neg ? -n : n;
  }
}

/** Text of a reply, for messages and simple checks (bulk strings decoded as latin1). */
export function replyText(r: Reply): string {
  if (r === null) return "(nil)";
  if (r instanceof RespError) return `(error) ${r.message}`;
  if (r instanceof Uint8Array) return latin1.decode(r);
  if (Array.isArray(r)) return `[${r.map(replyText).join(", ")}]`;
  return String(r);
}
