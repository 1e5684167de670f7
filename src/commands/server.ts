// Server commands: TIME, STATS, INFO and CONFIG.
import type { Context, ServerState } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import { globMatch } from "../store/glob.ts";
import { info, statsText } from "./info.ts";
import { containerHelp } from "./introspection.ts";

function time(cx: Context): void {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  cx.out.array(2);
  cx.out.bulk(String(Math.floor(us / 1e6)));
  cx.out.bulk(String(us % 1e6));
}

/** The parameters CONFIG GET knows: keyval's settings under Redis's names, and fixed facts. */
const PARAMETERS: [string, (s: ServerState) => string | number][] = [
  ["bind", (s) => s.config.host],
  ["port", (s) => s.port],
  ["maxclients", (s) => s.maxClients],
  ["proto-max-bulk-len", (s) => s.config.maxValueBytes],
  ["client-query-buffer-limit", (s) => s.config.maxQueryBufferBytes],
  ["max-line-bytes", (s) => s.config.maxLineBytes],
  ["janitor-interval-ms", (s) => s.config.janitorIntervalMs],
  ["hz", (s) => Math.max(1, Math.round(1000 / s.config.janitorIntervalMs))],
  ["databases", () => 1],
  ["save", () => ""],
  ["appendonly", () => "no"],
  ["maxmemory", () => 0],
  ["maxmemory-policy", () => "noeviction"],
  ["timeout", () => 0],
  ["protected-mode", () => "no"],
];

function configGet(cx: Context): void {
  const found = new Map<string, string>();
  for (let i = 2; i < cx.argc; i++) {
    const pattern = cx.arg(i).toLowerCase();
    for (const [name, get] of PARAMETERS) {
      if (!found.has(name) && globMatch(pattern, name, true)) {
        found.set(name, String(get(cx.server)));
      }
    }
  }
  cx.out.array(found.size * 2);
  for (const [name, value] of found) {
    cx.out.bulk(name);
    cx.out.bulk(value);
  }
}

function configResetstat(cx: Context): void {
  const s = cx.server;
  s.stats.reset();
  s.keyspace.hits = s.keyspace.misses = s.keyspace.expiredKeys = 0;
  for (const cmd of s.commands.all()) {
    cmd.calls =
      cmd.failedCalls =
      cmd.rejectedCalls =
      cmd.usec =
        0;
  }
  cx.out.ok();
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
  {
    name: "config",
    arity: -2,
    flags: [],
    group: "server",
    since: "2.0.0",
    syntax: "<subcommand> [arguments]",
    summary: "A container for server configuration commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        name: "get",
        arity: -3,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.0.0",
        syntax: "parameter [parameter ...]",
        summary: "Returns the effective values of configuration parameters matching the patterns.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        handler: configGet,
      },
      {
        name: "resetstat",
        arity: 2,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.0.0",
        syntax: "",
        summary: "Resets the server's statistics.",
        complexity: "O(1)",
        handler: configResetstat,
      },
      {
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        group: "server",
        since: "5.0.0",
        syntax: "",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        handler: (cx) => containerHelp(cx, "config"),
      },
    ],
  },
];
