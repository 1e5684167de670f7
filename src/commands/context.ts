// What a command handler receives: its arguments (read straight from the request buffer, no
// copies), the reply writer, and the server and client state it may act on. Handlers never
// touch sockets.
import { type ByteBuffer, equalsIgnoreCase } from "../protocol/latin1.ts";
import type { ReplyWriter } from "../protocol/encoder.ts";
import type { Config } from "../config.ts";
import type { Stats } from "../stats.ts";
import type { Keyspace } from "../store/keyspace.ts";
import type { Janitor } from "../store/expiry.ts";
import type { CursorTable } from "../store/cursors.ts";
import type { CommandTable } from "./table.ts";
import type { Blocking } from "../blocking.ts";
import type { Monitors } from "./monitor.ts";
import type { CommandTiming } from "../metrics/timing.ts";
import { parseInt64Bytes } from "./numbers.ts";

/** One connected client, as commands see it. */
export interface ClientState {
  readonly id: number;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt: number;
  name: string;
  libName: string;
  libVer: string;
  /** Name of the last command run, for CLIENT LIST. */
  lastCommand: string;
  lastInteraction: number;
  /** Set by QUIT: flush the replies, then close. */
  closeAfterReply: boolean;
  /** True while the client waits in a blocking command (BLPOP ...): its later requests wait. */
  blocked: boolean;
  /** After a block ended (see blocking.ts): sends its reply, runs the requests behind it. */
  resume(): void;
  /** True once the client ran MONITOR (CLIENT LIST flag O). */
  monitor: boolean;
  /** Queues a MONITOR line (a simple string) and sends it without waiting for a request. */
  feedMonitor(line: string): void;
  /** Bytes waiting in the query and output buffers. */
  queryBufferBytes(): number;
  /** Closes the connection (CLIENT KILL, shutdown). */
  kill(): void;
}

/** The server, as commands see it. */
export interface ServerState {
  readonly config: Config;
  readonly stats: Stats;
  readonly keyspace: Keyspace;
  readonly janitor: Janitor;
  readonly cursors: CursorTable;
  /** Clients blocked on keys, and the keys written for them since they were last served. */
  readonly blocking: Blocking;
  readonly commands: CommandTable;
  /** Per-command latency, SLOWLOG and the latency monitor. */
  readonly timing: CommandTiming;
  readonly clients: ReadonlyMap<number, ClientState>;
  /** Clients admitted at most (--max-clients, lowered to fit the open-files limit; CONFIG SET). */
  maxClients: number;
  /** Clients the open-files limit leaves room for; undefined when it could not be read. */
  readonly clientRoom: number | undefined;
  /** Clients in MONITOR mode; `active` is dispatch's one check. */
  readonly monitors: Monitors;
  /** The port actually bound (differs from config.port when that was 0). */
  readonly port: number;
  readonly startedAt: number;
}

/** The arguments of the request being run, plus everything a handler may use. */
export class Context {
  argc = 0;
  /** True when the request came as an inline line rather than a RESP array. */
  inline = false;
  /** Request buffer and argument ranges (from the decoder; valid during one dispatch). */
  mem!: ByteBuffer;
  starts!: Int32Array;
  ends!: Int32Array;

  constructor(
    readonly out: ReplyWriter,
    readonly server: ServerState,
    readonly client: ClientState,
  ) {}

  /** The keyspace (database 0, the only one). */
  get db(): Keyspace {
    return this.server.keyspace;
  }

  /** Argument i as a byte string. */
  arg(i: number): string {
    return this.mem.latin1(this.starts[i], this.ends[i]);
  }

  /** Length of argument i in bytes. */
  argLength(i: number): number {
    return this.ends[i] - this.starts[i];
  }

  /** Argument i as a 64-bit integer (see parseInt64), read from the request's bytes. */
  argInt(i: number): number | bigint | undefined {
    return parseInt64Bytes(this.mem.bytes, this.starts[i], this.ends[i]);
  }

  /** True when argument i equals the lower-case ASCII `word`, ignoring case; no allocation. */
  argIs(i: number, word: string): boolean {
    return equalsIgnoreCase(this.mem.bytes, this.starts[i], this.ends[i], word);
  }

  /** Arguments [from, to) as byte strings. */
  args(from: number, to = this.argc): string[] {
    const r: string[] = [];
    for (let i = from; i < to; i++) r.push(this.arg(i));
    return r;
  }
}

/** A command handler: reads its arguments from the context and writes one reply. */
export type Handler = (cx: Context) => void;
