// A minimal pipelining RESP2 client for the bench tools (readiness checks, FLUSHALL, DBSIZE,
// bulk loading), with a read timeout so a stuck server fails the run instead of hanging it.
import { type Arg, CommandWriter, NEED_MORE, type Reply, ReplyParser, RespError } from "./resp.ts";

/** Thrown when a reply does not arrive within the client's read timeout. */
export class TimeoutError extends Error {}

/** One TCP connection speaking RESP2. */
export class RespClient {
  private readonly writer = new CommandWriter();
  private readonly parser = new ReplyParser();

  private constructor(private readonly conn: Deno.TcpConn, readonly timeoutMs: number) {}

  /** Connects to host:port; fails after timeoutMs. */
  static async connect(host: string, port: number, timeoutMs = 5000): Promise<RespClient> {
    const conn = await withTimeout(Deno.connect({ hostname: host, port }), timeoutMs, () => {});
    conn.setNoDelay(true);
    return new RespClient(conn, timeoutMs);
  }

  /** Sends one command and returns its reply (error replies are returned, not thrown). */
  async command(...args: Arg[]): Promise<Reply> {
    return (await this.pipeline([args]))[0];
  }

  /** Sends one command and throws if the reply is an error. */
  async ok(...args: Arg[]): Promise<Reply> {
    const r = await this.command(...args);
    if (r instanceof RespError) throw new Error(`${args[0]}: ${r.message}`);
    return r;
  }

  /** Sends all commands in one write and returns their replies in order. */
  async pipeline(commands: readonly (readonly Arg[])[]): Promise<Reply[]> {
    this.writer.clear();
    for (const c of commands) this.writer.command(c);
    await writeAll(this.conn, this.writer.bytes());
    const replies: Reply[] = [];
    while (replies.length < commands.length) {
      const r = this.parser.next();
      if (r !== NEED_MORE) {
        replies.push(r);
        continue;
      }
      await this.fill();
    }
    return replies;
  }

  /** Reads more bytes into the parser, or throws on timeout or end of stream. */
  private async fill(): Promise<void> {
    const space = this.parser.space();
    const n = await withTimeout(this.conn.read(space), this.timeoutMs, () => this.close());
    if (n === null) throw new Error("connection closed by server");
    this.parser.commit(n);
  }

  /** Closes the connection (idempotent). */
  close(): void {
    try {
      this.conn.close();
    } catch {
      // Already closed: nothing to do.
    }
  }
}

/** Writes every byte (Deno's write may be partial). */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/** Resolves like `p`, or runs `onTimeout` and rejects with TimeoutError after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new TimeoutError(`no reply within ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
