// Server commands: TIME, STATS, INFO and CONFIG (whose parameters live in config.ts).
import type { Context } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import { info, statsText } from "./info.ts";
import { configCommand } from "./config.ts";

function time(cx: Context): void {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  cx.out.array(2);
  cx.out.bulk(String(Math.floor(us / 1e6)));
  cx.out.bulk(String(us % 1e6));
}

export const serverCommands: CommandSpec[] = [
  {
    name: "time",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    group: "server",
    since: "2.6.0",
    syntax: "",
    summary: "Returns the server time: Unix seconds and microseconds.",
    complexity: "O(1)",
    handler: time,
  },
  {
    name: "stats",
    arity: 1,
    flags: ["loading", "stale"],
    group: "server",
    since: "0.1.0",
    syntax: "",
    summary: "Returns keyval's counters as `name:value` lines (seed 000's STATS).",
    complexity: "O(1)",
    handler: (cx) => cx.out.bulk(statsText(cx.server)),
  },
  {
    name: "info",
    arity: -1,
    flags: ["loading", "stale"],
    group: "server",
    since: "1.0.0",
    syntax: "[section [section ...]]",
    summary:
      "Returns information and statistics about the server (server, clients, memory, persistence, stats, replication, cpu, commandstats, keyspace; all, everything).",
    complexity: "O(1)",
    handler: info,
  },
  configCommand,
];
