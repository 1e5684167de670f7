// One client connection: bytes in, requests decoded and dispatched, replies out. Everything
// the client sent so far is decoded and run at once, and the replies to that batch of
// pipelined requests leave in one write. A client that does not read its replies is not read
// from either (backpressure): once the socket holds more than it wants, decoding stops and
// reading pauses until the socket drains.
//
// The socket is node:net's rather than Deno.Conn: under load, Deno.Conn's read loops were
// served unfairly (measured with 500 clients pipelining 50 requests each and ~1 µs of work per
// request: Deno.Conn p99 0.75-1.3 s with p50 9 ms; node:net p99 62 ms, as fair as Redis).
// Measured again on this keyval with Deno.Conn reading into the decoder's buffer: 10-20% less
// CPU a request and half the unpipelined p50, but under `redis-benchmark -c 500 -P 50` p99
// 209-558 ms and a worst request of 0.76-1.5 s against 31-80 ms and 41-122 ms (README, "Deno.Conn
// instead of node:net").
import type { Socket } from "node:net";
import { adopt } from "./socket.ts";
import { Lookahead, NEED_MORE, PROTOCOL_ERROR, RequestDecoder } from "./protocol/decoder.ts";
import { ReplyWriter } from "./protocol/encoder.ts";
import { Context } from "./commands/context.ts";
import type { ClientState, ServerState } from "./commands/context.ts";
import { dispatch, prefetch } from "./commands/table.ts";
import * as clock from "./store/clock.ts";

/** Replies are handed to the socket once this many bytes are waiting, even mid-batch. */
const FLUSH_BYTES = 64 * 1024;

/**
 * Below this many bytes waiting, a batch holds a single request of one key, and reading ahead
 * cannot overlap anything (a SET of a 16-byte key and value is 61 bytes, two GETs 72).
 */
const LOOKAHEAD_MIN_BYTES = 64;
/** Shared by every connection: a lookahead is filled and used within one call. */
const ahead = new Lookahead();

let nextClientId = 1;

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return "?";
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The error codes a peer going away produces. */
const DISCONNECT_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ENOTCONN", "ETIMEDOUT"]);

/** A connected client. */
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
  monitor = false;
  blocked = false;
  /** True while running the requests behind a finished block waits for this turn to end. */
  private resumeQueued = false;
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;
  private ended = false;
  /** True while one of this client's own commands runs. */
  private dispatching = false;
  /** True while the socket holds too much unsent data: decoding waits for 'drain'. */
  private waitingForDrain = false;
  /** True while a flush of MONITOR lines waits for the current turn of the event loop to end. */
  private flushQueued = false;
  private readonly decoder: RequestDecoder;
  private readonly out: ReplyWriter;
  private readonly cx: Context;

  private readonly socket: Socket;

  /** Serves the client of `accepted`, a socket paused by the server's `pauseOnConnect`. */
  constructor(accepted: Socket, private readonly server: ServerState) {
    const socket = adopt(accepted, (bytes, n) => this.received(bytes, n));
    this.socket = socket;
    this.addr = formatAddr(socket.remoteAddress, socket.remotePort);
    this.laddr = formatAddr(socket.localAddress, socket.localPort);
    this.decoder = new RequestDecoder(server.config);
    this.out = new ReplyWriter(server.stats);
    this.cx = new Context(this.out, server, this);
    socket.setNoDelay(true);
    socket.on("drain", () => this.drained());
    socket.on("error", (err: Error & { code?: string }) => {
      if (!this.ended && !DISCONNECT_CODES.has(err.code ?? "")) {
        console.error(`keyval: client ${this.addr}:`, err.message);
      }
    });
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  queryBufferBytes(): number {
    return this.decoder.buffered;
  }

  kill(): void {
    // A client killing itself (CLIENT KILL ... SKIPME no) still gets its reply, as in Redis:
    // the batch loop sends it and closes right after the command.
    this.closeAfterReply = true;
    if (!this.dispatching) this.end(false);
  }

  feedMonitor(line: string): void {
    // As Redis, nothing more is added for a client that is closing (after QUIT).
    if (this.ended || this.closeAfterReply) return;
    this.out.simple(line);
    // While this client runs its own command, its batch sends the line; otherwise the lines
    // of one turn (a whole pipelined batch of another client) leave in one write.
    if (this.dispatching || this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      if (this.ended || this.waitingForDrain || this.out.length === 0) return;
      if (!this.flush()) this.waitForDrain();
    });
  }

  resume(): void {
    // Later, not from inside the command that served this client: its own requests then run
    // in their own turn, as Redis runs unblocked clients from beforeSleep.
    if (this.ended || this.resumeQueued) return;
    this.resumeQueued = true;
    queueMicrotask(() => {
      this.resumeQueued = false;
      if (!this.ended && !this.waitingForDrain) this.runBatch();
    });
  }

  /** Closes the connection: after sending what is queued (`graceful`), or at once. */
  private end(graceful: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.server.blocking.cancel(this);
    if (graceful) this.socket.end(() => this.socket.destroy());
    else this.socket.destroy();
  }

  /** Takes in bytes [0, n) of `bytes`, a read, and runs the requests it completes. */
  private received(bytes: Uint8Array, n: number): void {
    if (this.ended) return;
    const stats = this.server.stats;
    stats.netInputBytes += n;
    if (!this.decoder.feed(bytes, n)) {
      console.error(`keyval: closing client ${this.addr}: query buffer limit reached`);
      return this.end(false);
    }
    if (!this.waitingForDrain) this.runBatch();
  }

  private drained(): void {
    if (!this.waitingForDrain || this.ended) return;
    this.waitingForDrain = false;
    this.socket.resume();
    this.runBatch();
  }

  /** Hands the waiting replies to the socket; false when it asks us to wait for 'drain'. */
  private flush(): boolean {
    const out = this.out;
    const bytes = out.detach();
    this.server.stats.netOutputBytes += bytes.length;
    // The writer's own memory, lent for a long batch, goes back to it once sent.
    if (out.isLent(bytes)) return this.socket.write(bytes, () => out.recycle(bytes));
    return this.socket.write(bytes);
  }

  /** Runs every complete request received, then sends the replies in one write. */
  private runBatch(): void {
    // The batch is timed as a whole: its fast commands share its time (metrics/timing.ts).
    const timing = this.server.timing;
    const t0 = timing.batchBegin();
    // The batch's clock reading doubles as the client's last interaction (CLIENT LIST's idle):
    // a clock read costs ~100 ns, a few percent of an unpipelined request.
    this.lastInteraction = performance.timeOrigin + t0;
    // Its requests share one reading of the time keys expire by (store/clock.ts).
    clock.hold();
    try {
      this.runRequests();
    } finally {
      clock.release();
      timing.batchEnd(t0);
    }
  }

  private runRequests(): void {
    const { decoder, out, cx } = this;
    const blocking = this.server.blocking;
    // A blocked client's later requests wait in the decoder until its block ends.
    if (this.blocked) return;
    // Requests left before the next lookahead; see commands/table.ts `prefetch`.
    let unpeeked = 0;
    for (;;) {
      // Not while a request is partly decoded: a request that arrives in many reads is looked
      // at once, by the decoder, and not again at each read.
      if (unpeeked === 0 && decoder.buffered >= LOOKAHEAD_MIN_BYTES && !decoder.midRequest) {
        const n = decoder.peek(ahead);
        if (n > 0) prefetch(cx, decoder.mem, ahead);
        unpeeked = Math.max(n, 1);
      }
      if (unpeeked > 0) unpeeked--;
      const r = decoder.next();
      if (r === NEED_MORE) break;
      if (r === PROTOCOL_ERROR) {
        this.server.stats.protocolErrors++;
        out.error(`ERR Protocol error: ${decoder.error}`);
        this.flush();
        return this.end(true);
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
      if (blocking.readyKeys.size !== 0) blocking.serveReady();
      if (this.closeAfterReply) {
        this.flush();
        return this.end(true);
      }
      if (this.blocked) break;
      if (out.length >= FLUSH_BYTES && !this.flush()) return this.waitForDrain();
    }
    if (out.length > 0 && !this.flush()) this.waitForDrain();
  }

  private waitForDrain(): void {
    this.waitingForDrain = true;
    this.socket.pause();
  }
}
