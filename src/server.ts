// The server: listens, admits clients up to the limit, keeps the client registry, runs the
// janitor, and shuts down cleanly.
import type { Config } from "./config.ts";
import type { ServerState } from "./commands/context.ts";
import { Connection } from "./connection.ts";
import { createCommandTable } from "./commands/index.ts";
import type { CommandTable } from "./commands/table.ts";
import { Keyspace } from "./store/keyspace.ts";
import { Janitor } from "./store/expiry.ts";
import { CursorTable } from "./store/cursors.ts";
import { Stats } from "./stats.ts";
import { setTimeout as sleep } from "node:timers/promises";

const MAX_CLIENTS_REPLY = new TextEncoder().encode("-ERR max number of clients reached\r\n");
/** Pauses after a failed accept (out of file descriptors, say) grow from the first to the last. */
const ACCEPT_BACKOFF_MIN_MS = 5;
const ACCEPT_BACKOFF_MAX_MS = 1000;

/** A keyval server: create, `start()`, and `shutdown()`. */
export class Server implements ServerState {
  readonly stats = new Stats();
  readonly keyspace = new Keyspace();
  readonly janitor: Janitor;
  readonly cursors = new CursorTable<string>();
  readonly commands: CommandTable = createCommandTable();
  readonly clients = new Map<number, Connection>();
  readonly startedAt = Date.now();
  port = 0;
  private listener: Deno.TcpListener | undefined;
  private readonly running = new Set<Promise<void>>();
  private acceptLoop: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(readonly config: Config) {
    this.janitor = new Janitor(this.keyspace, config.janitorIntervalMs);
  }

  /** Binds the listener and starts accepting clients and the janitor. */
  start(): void {
    this.listener = Deno.listen({ hostname: this.config.host, port: this.config.port });
    this.port = (this.listener.addr as Deno.NetAddr).port;
    this.janitor.start();
    this.acceptLoop = this.accept(this.listener);
  }

  private async accept(listener: Deno.TcpListener): Promise<void> {
    let backoff = 0;
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
        backoff = 0;
      } catch (err) {
        if (err instanceof Deno.errors.BadResource || err instanceof Deno.errors.Interrupted) {
          return;
        }
        // Errors such as EMFILE repeat at once until something changes: retrying in a tight
        // loop would burn a core and flood the log, so pause (longer each time) and log once.
        if (backoff === 0) console.error("keyval: accept failed, retrying:", err);
        backoff = Math.min(Math.max(backoff * 2, ACCEPT_BACKOFF_MIN_MS), ACCEPT_BACKOFF_MAX_MS);
        try {
          await sleep(backoff, undefined, { signal: this.stopping.signal });
        } catch {
          return; // shutting down
        }
        continue;
      }
      if (this.clients.size >= this.config.maxClients) {
        this.stats.rejectedConnections++;
        conn.write(MAX_CLIENTS_REPLY).catch(() => {}).finally(() => {
          try {
            conn.close();
          } catch {
            // already closed
          }
        });
        continue;
      }
      this.stats.connections++;
      try {
        conn.setNoDelay(true);
      } catch {
        // the peer may already be gone
      }
      const client = new Connection(conn, this);
      this.clients.set(client.id, client);
      const done = client.run().finally(() => {
        this.clients.delete(client.id);
        this.running.delete(done);
      });
      this.running.add(done);
    }
  }

  /** Stops accepting, closes every client and the janitor; resolves when all have ended. */
  async shutdown(): Promise<void> {
    this.stopping.abort();
    try {
      this.listener?.close();
    } catch {
      // already closed
    }
    this.janitor.stop();
    for (const client of this.clients.values()) client.kill();
    await Promise.allSettled([...this.running, this.acceptLoop]);
  }
}
