// The client side of RESP2 for keyval-cli: requests out, replies in. The server's own codec
// decodes requests and encodes replies; a client needs the opposite directions, so they live here.
// Values stay byte strings (one char per byte) from the socket to the terminal.
import { ByteBuffer, fromText, toBytes } from "../protocol/latin1.ts";
import { writeAll } from "../text.ts";

/** A decoded reply. A nil array (`*-1`) is a nil, as hiredis reports it to redis-cli. */
export type Reply =
  | { type: "status"; text: string }
  | { type: "error"; text: string }
  | { type: "integer"; text: string }
  | { type: "bulk"; text: string }
  | { type: "nil" }
  | { type: "array"; items: Reply[] };

/** A RESP2 request (an array of bulk strings) for arguments given as byte strings. */
export function encodeCommand(args: string[]): Uint8Array {
  let head = `*${args.length}\r\n`;
  for (const a of args) head += `$${a.length}\r\n${a}\r\n`;
  return toBytes(head);
}

/** The server sent bytes that are not RESP2. */
export class ProtocolError extends Error {}

const CR = 13;

/** An array whose elements are still arriving. */
interface Pending {
  items: Reply[];
  left: number;
}

/**
 * Incremental RESP2 reply parser. Arrays are built on an explicit stack, so a huge reply that
 * arrives in many chunks is parsed once, not again from its start on every chunk.
 */
export class ReplyParser {
  private mem = new ByteBuffer(64 * 1024);
  private start = 0;
  private end = 0;
  private stack: Pending[] = [];

  /** Appends bytes read from the socket. */
  push(chunk: Uint8Array): void {
    if (this.start === this.end) this.start = this.end = 0;
    const size = this.mem.bytes.length;
    if (this.end + chunk.length > size) {
      const live = this.end - this.start;
      this.mem.bytes.copyWithin(0, this.start, this.end);
      if (live + chunk.length > size) this.mem.resize((live + chunk.length) * 2, live);
      this.start = 0;
      this.end = live;
    }
    this.mem.bytes.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Bytes received but not yet consumed by a complete reply. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** The next complete reply, or undefined when more bytes are needed. */
  next(): Reply | undefined {
    const b = this.mem.bytes;
    while (true) {
      const start = this.start;
      let eol = start;
      while (eol < this.end && b[eol] !== CR) eol++;
      if (eol + 1 >= this.end) return undefined;
      const kind = b[start];
      let value: Reply;
      if (kind === 36) { // $: bulk string
        const n = this.length(start + 1, eol);
        if (n < 0) value = { type: "nil" };
        else {
          if (eol + 2 + n + 2 > this.end) return undefined;
          value = { type: "bulk", text: this.mem.latin1(eol + 2, eol + 2 + n) };
          eol += n + 2;
        }
      } else if (kind === 42) { // *: array
        const n = this.length(start + 1, eol);
        if (n > 0) {
          this.start = eol + 2;
          this.stack.push({ items: [], left: n });
          continue;
        }
        value = n < 0 ? { type: "nil" } : { type: "array", items: [] };
      } else if (kind === 43) value = { type: "status", text: this.mem.latin1(start + 1, eol) };
      else if (kind === 45) value = { type: "error", text: this.mem.latin1(start + 1, eol) };
      else if (kind === 58) value = { type: "integer", text: this.mem.latin1(start + 1, eol) };
      else {
        throw new ProtocolError(
          `Protocol error, got "${String.fromCharCode(kind)}" as reply type byte`,
        );
      }
      this.start = eol + 2;
      const done = this.complete(value);
      if (done) return done;
    }
  }

  /** A length in bytes [s, e): digits with an optional minus sign. */
  private length(s: number, e: number): number {
    const b = this.mem.bytes;
    const negative = b[s] === 45;
    let n = 0;
    for (let i = negative ? s + 1 : s; i < e; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9 || i - s > 18) {
        throw new ProtocolError(`Bad length in reply: ${this.mem.latin1(s, e)}`);
      }
      n = n * 10 + d;
    }
    return negative ? -n : n;
  }

  /** Files a finished value into the array being built; returns the top-level reply once done. */
  private complete(value: Reply): Reply | undefined {
    while (true) {
      const top = this.stack[this.stack.length - 1];
      if (!top) return value;
      top.items.push(value);
      if (--top.left > 0) return undefined;
      this.stack.pop();
      value = { type: "array", items: top.items };
    }
  }
}

/** Why a connection attempt failed, in the words redis-cli's hiredis uses. */
export function connectErrorText(err: unknown): string {
  if (err instanceof Deno.errors.ConnectionRefused) return "Connection refused";
  const message = err instanceof Error ? err.message : String(err);
  return message
    .replace(/^failed to lookup address information: /, "")
    .replace(/ \(os error \d+\)$/, "");
}

/** A connection to keyval that sends commands and reads replies in order. */
export class Connection {
  private parser = new ReplyParser();
  private chunk = new Uint8Array(64 * 1024);

  private constructor(readonly conn: Deno.TcpConn) {}

  /** Connects, or throws a message like `Connection refused`. */
  static async open(host: string, port: number): Promise<Connection> {
    try {
      const conn = await Deno.connect({ hostname: host, port });
      conn.setNoDelay(true);
      return new Connection(conn);
    } catch (err) {
      throw new Error(connectErrorText(err));
    }
  }

  /** Writes all bytes. */
  write(bytes: Uint8Array): Promise<void> {
    return writeAll(this.conn, bytes);
  }

  /** Sends one command (arguments as byte strings). */
  send(args: string[]): Promise<void> {
    return this.write(encodeCommand(args));
  }

  /** The next reply; null when the server closed the connection first. */
  async read(): Promise<Reply | null> {
    while (true) {
      const reply = this.parser.next();
      if (reply) return reply;
      let n: number | null;
      try {
        n = await this.conn.read(this.chunk);
      } catch {
        n = null;
      }
      if (n === null) return null;
      this.parser.push(this.chunk.subarray(0, n));
    }
  }

  /** Sends a command and reads its reply. */
  async call(...args: string[]): Promise<Reply | null> {
    await this.send(args.map(fromText));
    return this.read();
  }

  /** Closes the socket (idempotent). */
  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}
