// One client connection: read bytes, decode requests, dispatch them, and answer each batch of
// pipelined requests with one write. Reading stops while a write is pending, so a client that
// does not read its replies is not read from either (backpressure), and a long pipeline yields
// to other clients every so often.
import { NEED_MORE, PROTOCOL_ERROR, RequestDecoder } from "./protocol/decoder.ts";
import { ReplyWriter } from "./protocol/encoder.ts";
import { Context } from "./commands/context.ts";
import type { ClientState, ServerState } from "./commands/context.ts";
import { dispatch } from "./commands/table.ts";

/** Replies are flushed once this many bytes are waiting, even mid-batch. */
const FLUSH_BYTES = 64 * 1024;
/** A batch yields to other clients after this many commands. */
const YIELD_EVERY = 1024;

let nextClientId = 1;

function formatAddr(a: Deno.Addr): string {
  if (a.transport !== "tcp" && a.transport !== "udp") return "?";
  return a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
}

/** A connected client and its read loop. */
export class Connection implements ClientState {
  readonly id = nextClientId++;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt = Date.now();
  name = "";
  libName = "";
  libVer = "";
  lastCommand = "NULL";
  lastInteraction = this.createdAt;
  closeAfterReply = false;
  private closed = false;
  /** True while one of this client's own commands runs. */
  private dispatching = false;
  private readonly decoder: RequestDecoder;
  private readonly out: ReplyWriter;
  private readonly cx: Context;

  constructor(private readonly conn: Deno.TcpConn, private readonly server: ServerState) {
    this.addr = formatAddr(conn.remoteAddr);
    this.laddr = formatAddr(conn.localAddr);
    this.decoder = new RequestDecoder(server.config);
    this.out = new ReplyWriter(server.stats);
    this.cx = new Context(this.out, server, this);
  }

  queryBufferBytes(): number {
    return this.decoder.buffered;
  }

  kill(): void {
    this.closeAfterReply = true;
    // A client killing itself (CLIENT KILL ... SKIPME no) still gets its reply, as in Redis:
    // the read loop flushes it and closes right after the command.
    if (!this.dispatching) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // already closed by the peer
    }
  }

  /** Writes every reply waiting in the output buffer. */
  private async flush(): Promise<void> {
    const bytes = this.out.take();
    let done = 0;
    while (done < bytes.length) done += await this.conn.write(bytes.subarray(done));
    this.server.stats.netOutputBytes += bytes.length;
    this.out.reset();
  }

  /** Serves the client until it disconnects, sends bad input, quits or is killed. */
  async run(): Promise<void> {
    const { decoder, out, cx, server } = this;
    const stats = server.stats;
    try {
      for (;;) {
        const n = await this.conn.read(decoder.space());
        if (n === null || this.closed) return;
        stats.netInputBytes += n;
        this.lastInteraction = Date.now();
        if (!decoder.commit(n)) {
          console.error(`keyval: closing client ${this.addr}: query buffer limit reached`);
          return;
        }
        let executed = 0;
        for (;;) {
          const r = decoder.next();
          if (r === NEED_MORE) break;
          if (r === PROTOCOL_ERROR) {
            stats.protocolErrors++;
            out.error(`ERR Protocol error: ${decoder.error}`);
            await this.flush();
            return;
          }
          cx.argc = decoder.argc;
          cx.inline = decoder.inline;
          cx.mem = decoder.mem;
          cx.starts = decoder.starts;
          cx.ends = decoder.ends;
          this.dispatching = true;
          try {
            dispatch(cx);
          } finally {
            this.dispatching = false;
          }
          if (this.closeAfterReply) {
            if (!this.closed) await this.flush();
            return;
          }
          if (out.length >= FLUSH_BYTES || ++executed % YIELD_EVERY === 0) await this.flush();
        }
        if (out.length > 0) await this.flush();
      }
    } catch (err) {
      if (!this.closed && !isDisconnect(err)) {
        console.error(`keyval: client ${this.addr}:`, err);
      }
    } finally {
      this.close();
    }
  }
}

/** True for the errors a peer going away produces. */
function isDisconnect(err: unknown): boolean {
  return err instanceof Deno.errors.BrokenPipe ||
    err instanceof Deno.errors.ConnectionReset ||
    err instanceof Deno.errors.ConnectionAborted ||
    err instanceof Deno.errors.NotConnected ||
    err instanceof Deno.errors.BadResource ||
    err instanceof Deno.errors.Interrupted;
}
