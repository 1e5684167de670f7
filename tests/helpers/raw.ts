// A minimal RESP2 client for tests, written independently of the server's own codec: it sends
// exact bytes and parses replies, so tests can check the wire format itself.

/** An error reply. */
export class ReplyError {
  constructor(readonly message: string) {}
  toString(): string {
    return `ReplyError(${this.message})`;
  }
}

/** A decoded reply: simple and bulk strings as byte strings, nil as null. */
export type Reply = string | number | bigint | null | ReplyError | Reply[];

const latin1 = new TextDecoder("latin1");

/** Byte string (one char per byte) from bytes; exact for every byte value. */
export function bytesToLatin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 8192)));
  }
  return s;
}

/** Bytes from a byte string. */
export function latin1ToBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** A RESP2 request (array of bulk strings) for the given arguments (byte strings). */
export function encodeCommand(args: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [latin1ToBytes(`*${args.length}\r\n`)];
  for (const a of args) {
    const bytes = typeof a === "string" ? latin1ToBytes(a) : a;
    parts.push(latin1ToBytes(`$${bytes.length}\r\n`), bytes, latin1ToBytes("\r\n"));
  }
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A raw TCP connection to the server. */
export class RawClient {
  private buf: Uint8Array = new Uint8Array(0);
  private eof = false;

  private constructor(readonly conn: Deno.TcpConn) {}

  static async connect(port: number, hostname = "127.0.0.1"): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname, port }));
  }

  /** Sends bytes (a string is sent as a byte string). */
  async send(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? latin1ToBytes(data) : data;
    let done = 0;
    while (done < bytes.length) done += await this.conn.write(bytes.subarray(done));
  }

  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    const chunk = new Uint8Array(64 * 1024);
    let n: number | null;
    try {
      n = await this.conn.read(chunk);
    } catch {
      n = null;
    }
    if (n === null) {
      this.eof = true;
      return false;
    }
    this.buf = concat([this.buf, chunk.subarray(0, n)]);
    return true;
  }

  /** Reads one reply; throws when the connection closes first. */
  async reply(): Promise<Reply> {
    for (;;) {
      const parsed = parseReply(this.buf, 0);
      if (parsed !== undefined) {
        this.buf = this.buf.slice(parsed[1]);
        return parsed[0];
      }
      if (!(await this.fill())) throw new Error("connection closed before a full reply");
    }
  }

  /** Reads `n` replies. */
  async replies(n: number): Promise<Reply[]> {
    const out: Reply[] = [];
    for (let i = 0; i < n; i++) out.push(await this.reply());
    return out;
  }

  /** Sends a command as RESP and reads its reply. */
  async call(...args: (string | Uint8Array)[]): Promise<Reply> {
    await this.send(encodeCommand(args));
    return await this.reply();
  }

  /** Reads until the server closes the connection; returns everything not yet consumed. */
  async readToEnd(): Promise<string> {
    while (await this.fill()) {
      // keep reading
    }
    const s = latin1.decode(this.buf);
    this.buf = new Uint8Array(0);
    return s;
  }

  /** Reads exactly as many bytes as `expected` has and throws unless they are equal. */
  async expectRaw(expected: string): Promise<void> {
    const got = await this.readRaw(expected.length);
    if (got !== expected) {
      throw new Error(`expected ${JSON.stringify(expected)}, read ${JSON.stringify(got)}`);
    }
  }

  /** Reads exactly `n` raw bytes as a byte string. */
  async readRaw(n: number): Promise<string> {
    while (this.buf.length < n) {
      if (!(await this.fill())) throw new Error("connection closed");
    }
    const s = bytesToLatin1(this.buf.subarray(0, n));
    this.buf = this.buf.slice(n);
    return s;
  }

  /** True once the server has closed the connection (reads until then). */
  async closedByServer(): Promise<boolean> {
    await this.readToEnd();
    return this.eof;
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

function lineEnd(b: Uint8Array, from: number): number {
  for (let i = from; i + 1 < b.length; i++) if (b[i] === 13 && b[i + 1] === 10) return i;
  return -1;
}

/** Parses one reply at `pos`: [reply, next position], or undefined when incomplete. */
export function parseReply(b: Uint8Array, pos: number): [Reply, number] | undefined {
  if (pos >= b.length) return undefined;
  const end = lineEnd(b, pos + 1);
  if (end === -1) return undefined;
  const line = bytesToLatin1(b.subarray(pos + 1, end));
  const next = end + 2;
  switch (b[pos]) {
    case 43: // +
      return [line, next];
    case 45: // -
      return [new ReplyError(line), next];
    case 58: { // :
      const n = BigInt(line);
      return [Number.isSafeInteger(Number(n)) ? Number(n) : n, next];
    }
    case 36: { // $
      const len = Number(line);
      if (len === -1) return [null, next];
      if (b.length < next + len + 2) return undefined;
      return [bytesToLatin1(b.subarray(next, next + len)), next + len + 2];
    }
    case 42: { // *
      const count = Number(line);
      if (count === -1) return [null, next];
      const items: Reply[] = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        const r = parseReply(b, p);
        if (r === undefined) return undefined;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(
        `bad reply type byte ${b[pos]} at ${pos}: ${bytesToLatin1(b.subarray(pos, pos + 40))}`,
      );
  }
}
