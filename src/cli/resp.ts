// The client side of RESP2 for keyval-cli: requests out, replies in. The server's own codec
// decodes requests and encodes replies; a client needs the opposite directions, so they live here.
// Values stay byte strings (one char per byte) from the socket to the terminal.
import { fromBytes, fromText, toBytes } from "../protocol/latin1.ts";

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
  private buf = new Uint8Array(64 * 1024);
  private start = 0;
  private end = 0;
  private stack: Pending[] = [];

  /** Appends bytes read from the socket. */
  push(chunk: Uint8Array): void {
    if (this.start === this.end) this.start = this.end = 0;
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      if (live + chunk.length > this.buf.length) {
        const next = new Uint8Array(Math.max(this.buf.length * 2, (live + chunk.length) * 2));
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      } else {
        this.buf.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Bytes received but not yet consumed by a complete reply. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** The next complete reply, or undefined when more bytes are needed. */
  next(): Reply | undefined {
    const b = this.buf;
    while (true) {
      const lineEnd = b.subarray(this.start, this.end).indexOf(CR);
      if (lineEnd < 0 || this.start + lineEnd + 1 >= this.end) return undefined;
      const eol = this.start + lineEnd;
      const kind = b[this.start];
      const line = fromBytes(b.subarray(this.start + 1, eol));
      let value: Reply;
      if (kind === 43) value = { type: "status", text: line };
      else if (kind === 45) value = { type: "error", text: line };
      else if (kind === 58) value = { type: "integer", text: line };
      else if (kind === 36) {
        const n = this.length(line);
        if (n < 0) value = { type: "nil" };
        else {
          if (eol + 2 + n + 2 > this.end) return undefined;
          value = { type: "bulk", text: fromBytes(b.subarray(eol + 2, eol + 2 + n)) };
          this.start = eol + 2 + n + 2;
          const done = this.complete(value);
          if (done) return done;
          continue;
        }
      } else if (kind === 42) {
        const n = this.length(line);
        this.start = eol + 2;
        if (n > 0) {
          this.stack.push({ items: [], left: n });
          continue;
        }
        const done = this.complete(n < 0 ? { type: "nil" } : { type: "array", items: [] });
        if (done) return done;
        continue;
      } else {
        throw new ProtocolError(
          `Protocol error, got "${String.fromCharCode(kind)}" as reply type byte`,
        );
      }
      this.start = eol + 2;
      const done = this.complete(value);
      if (done) return done;
    }
  }

  private length(line: string): number {
    const n = Number(line);
    if (!Number.isInteger(n)) throw new ProtocolError(`Bad length in reply: ${line}`);
    return n;
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
  async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) done += await this.conn.write(bytes.subarray(done));
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
