// MONITOR: a client that runs it gets +OK, then one line per command any client runs, as Redis
// prints them: `+1700000000.123456 [0 127.0.0.1:54321] "SET" "k" "v"`. Lines are fed after the
// command ran, as Redis's call() does: commands refused before running (unknown name, wrong
// arity) are not shown, commands that fail while running are. Admin commands (CONFIG, CLIENT
// LIST, MONITOR ...) are never shown, and passwords are shown as "(redacted)".
//
// When nobody monitors, dispatch pays one boolean check (`Monitors.active`); everything else
// runs only while at least one client monitors.
import type { ClientState, Context } from "./context.ts";
import { call, type Command, type CommandSpec } from "./table.ts";
import { redactedArgs } from "./redact.ts";
import { repr } from "../text.ts";

/** The MONITOR line for the command in `cx`, without the leading '+'. */
export function monitorLine(cx: Context, cmd: Command, nowMs: number): string {
  const us = Math.floor(nowMs * 1000);
  const sec = Math.floor(us / 1e6);
  let line = `${sec}.${String(us - sec * 1e6).padStart(6, "0")} [0 ${cx.client.addr}]`;
  const hidden = redactedArgs(cx, cmd);
  for (let i = 0; i < cx.argc; i++) {
    line += hidden?.has(i) ? ' "(redacted)"' : " " + repr(cx.arg(i));
  }
  return line;
}

/** The clients in MONITOR mode. */
export class Monitors {
  /** True while at least one client monitors: dispatch then runs commands through `call`. */
  active = false;
  private readonly clients = new Set<ClientState>();

  /** How many clients monitor. */
  get size(): number {
    return this.clients.size;
  }

  /** Puts `client` in MONITOR mode. */
  add(client: ClientState): void {
    client.monitor = true;
    this.clients.add(client);
    this.active = true;
  }

  /** Takes a disconnected client out. */
  remove(client: ClientState): void {
    this.clients.delete(client);
    this.active = this.clients.size > 0;
  }

  /** Runs a command while someone monitors: refuses keyspace access from monitors, feeds them. */
  call(cx: Context, cmd: Command): void {
    if (cx.client.monitor && cmd.touchesKeys) {
      // A monitor is a replica to Redis, and replicas may not touch the keyspace.
      cmd.rejectedCalls++;
      cx.out.error("ERR Replica can't interact with the keyspace");
      return;
    }
    call(cx, cmd);
    if (cmd.admin || this.clients.size === 0) return;
    const line = monitorLine(cx, cmd, performance.timeOrigin + performance.now());
    for (const client of this.clients) client.feedMonitor(line);
  }
}

function monitor(cx: Context): void {
  // Redis ignores MONITOR from a client already monitoring, without a reply.
  if (cx.client.monitor) return;
  cx.server.monitors.add(cx.client);
  cx.out.ok();
}

export const monitorCommands: CommandSpec[] = [
  {
    name: "monitor",
    arity: 1,
    flags: ["admin", "noscript", "loading", "stale"],
    group: "server",
    since: "1.0.0",
    syntax: "",
    summary: "Listens for all requests received by the server in real-time.",
    complexity: "O(1)",
    handler: monitor,
  },
];
