// The server: listens, admits clients up to the limit, keeps the client registry, runs the
// janitor, and shuts down cleanly.
import { createServer, type Server as NetServer, type Socket } from "node:net";
import type { Config } from "./config.ts";
import type { ServerState } from "./commands/context.ts";
import { Connection } from "./connection.ts";
import { createCommandTable } from "./commands/index.ts";
import type { CommandTable } from "./commands/table.ts";
import { Keyspace } from "./store/keyspace.ts";
import { Janitor } from "./store/expiry.ts";
import { CursorTable } from "./store/cursors.ts";
import { Blocking } from "./blocking.ts";
import { Stats } from "./stats.ts";
import { CommandTiming } from "./metrics/timing.ts";
import { type MetricsServer, serveMetrics } from "./metrics/http.ts";
import { Monitors } from "./commands/monitor.ts";

const MAX_CLIENTS_REPLY = new TextEncoder().encode("-ERR max number of clients reached\r\n");
/** Descriptors kept free beyond the clients, as Redis's CONFIG_MIN_RESERVED_FDS. */
const RESERVED_FDS = 32;

/**
 * How many clients the open-files limit leaves room for: the limit less the descriptors already
 * open at start (Deno holds about 25) and RESERVED_FDS more (refused clients hold one until
 * closed). Undefined where the limit cannot be read: Deno lets only a process with all
 * permissions read /proc/self. Deno raises the soft limit to the hard one at start, so this is
 * the hard limit.
 */
function clientRoom(): { limit: number; room: number } | undefined {
  try {
    const limits = Deno.readTextFileSync("/proc/self/limits");
    const m = /^Max open files\s+(\d+)/m.exec(limits);
    if (!m) return undefined;
    const open = [...Deno.readDirSync("/proc/self/fd")].length;
    const limit = Number(m[1]);
    return { limit, room: limit - open - RESERVED_FDS };
  } catch {
    return undefined;
  }
}

/** A keyval server: create, `start()`, and `shutdown()`. */
export class Server implements ServerState {
  readonly stats = new Stats();
  readonly keyspace = new Keyspace();
  readonly janitor: Janitor;
  readonly cursors = new CursorTable();
  readonly blocking = new Blocking();
  readonly commands: CommandTable = createCommandTable();
  readonly clients = new Map<number, Connection>();
  readonly monitors = new Monitors();
  readonly startedAt = Date.now();
  port = 0;
  /**
   * Clients admitted at most: --max-clients, lowered as Redis does when the open-files limit
   * could not hold them, so that accepting never runs out of descriptors (EMFILE).
   */
  maxClients: number;
  readonly clientRoom: number | undefined;
  private listener: NetServer | undefined;
  readonly timing: CommandTiming;
  /** The /metrics endpoint, once started (none with --metrics-bind off). */
  metrics: MetricsServer | undefined;

  constructor(readonly config: Config) {
    this.janitor = new Janitor(this.keyspace, config.janitorIntervalMs);
    this.timing = new CommandTiming(config);
    const fds = clientRoom();
    this.clientRoom = fds && Math.max(1, fds.room);
    this.maxClients = config.maxClients;
    if (fds !== undefined && fds.room < config.maxClients) {
      this.maxClients = Math.max(1, fds.room);
      console.error(
        `keyval: --max-clients ${config.maxClients} does not fit the open-files limit of ` +
          `${fds.limit}: at most ${this.maxClients} clients (raise it with ulimit -n)`,
      );
    }
  }

  /** Binds the listener and starts accepting clients and the janitor (and /metrics). */
  start(): Promise<void> {
    // First, so that a metrics address in use fails the start before any client is accepted.
    const bind = this.config.metricsBind;
    if (bind) this.metrics = serveMetrics(this, bind.host, bind.port);
    // Paused: a client's Connection reads its socket its own way (`adopt`, src/socket.ts).
    const listener = createServer({ pauseOnConnect: true }, (socket) => this.admit(socket));
    this.listener = listener;
    return new Promise((resolve, reject) => {
      listener.once("error", reject);
      listener.listen({ host: this.config.host, port: this.config.port }, () => {
        listener.off("error", reject);
        listener.on("error", (err) => console.error("keyval: listener:", err.message));
        this.port = (listener.address() as { port: number }).port;
        this.janitor.start();
        resolve();
      });
    });
  }

  private admit(socket: Socket): void {
    if (this.clients.size >= this.maxClients) {
      this.stats.rejectedConnections++;
      socket.on("error", () => {});
      socket.resume(); // what the client sends is dropped; its close is seen
      socket.end(MAX_CLIENTS_REPLY);
      return;
    }
    this.stats.connections++;
    const client = new Connection(socket, this);
    this.clients.set(client.id, client);
    // What a departing client leaves behind goes with it: its place in the registry, in the
    // monitors and in the queues of blocked clients (no element is popped for it).
    client.closed.then(() => {
      this.clients.delete(client.id);
      if (client.monitor) this.monitors.remove(client);
      this.blocking.cancel(client);
    });
  }

  /** Stops accepting, closes every client and the janitor; resolves when all have ended. */
  async shutdown(): Promise<void> {
    const listening = new Promise<void>((resolve) => {
      if (this.listener?.listening) this.listener.close(() => resolve());
      else resolve();
    });
    this.janitor.stop();
    const metrics = this.metrics?.shutdown();
    const closing = [...this.clients.values()].map((client) => {
      client.kill();
      return client.closed;
    });
    await Promise.all([listening, metrics, ...closing]);
  }
}
