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

const MAX_CLIENTS_REPLY = new TextEncoder().encode("-ERR max number of clients reached\r\n");

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
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (err) {
        if (err instanceof Deno.errors.BadResource || err instanceof Deno.errors.Interrupted) {
          return;
        }
        console.error("keyval: accept failed:", err);
        continue;
      }
      if (this.clients.size >= this.config.maxClients) {
        this.stats.rejectedConnections++;
        conn.write(MAX_CLIENTS_REPLY).catch(() => {}).finally(() => conn.close());
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
