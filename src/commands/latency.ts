// SLOWLOG and LATENCY: what took long, in Redis's reply shapes. The measurements come from
// metrics/timing.ts; the stores are metrics/slowlog.ts and metrics/events.ts.
import type { Context } from "./context.ts";
import { type Command, type CommandSpec, subcommandsOf, subcommandSyntaxError } from "./table.ts";

const COUNT_RANGE = "ERR count should be greater than or equal to -1";

function helpReply(cx: Context, lines: string[]): void {
  cx.out.array(lines.length);
  for (const line of lines) cx.out.simple(line);
}

function slowlogGet(cx: Context): void {
  if (cx.argc > 3) return subcommandSyntaxError(cx, "SLOWLOG");
  const slowlog = cx.server.timing.slowlog;
  let count = 10;
  if (cx.argc === 3) {
    const n = cx.argInt(2);
    if (n === undefined || n < -1) return cx.out.error(COUNT_RANGE);
    count = n === -1 ? slowlog.length : Number(n);
  }
  const shown = Math.min(count, slowlog.length);
  cx.out.array(shown);
  for (let i = 0; i < shown; i++) {
    const e = slowlog.newest(i);
    cx.out.array(6);
    cx.out.int(e.id);
    cx.out.int(e.time);
    cx.out.int(e.usec);
    cx.out.bulks(e.args);
    cx.out.bulk(e.addr);
    cx.out.bulk(e.name);
  }
}

const SLOWLOG_HELP = [
  "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET [<count>]",
  "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
  "    Entries are made of:",
  "    id, timestamp, time in microseconds, arguments array, client IP and port,",
  "    client name",
  "LEN",
  "    Return the length of the slowlog.",
  "RESET",
  "    Reset the slowlog.",
  "HELP",
  "    Prints this help.",
];

const LATENCY_HELP = [
  "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "DOCTOR",
  "    Return a human readable latency analysis report.",
  "HISTORY <event>",
  "    Return time-latency samples for the <event> class.",
  "LATEST",
  "    Return the latest latency samples for all events.",
  "RESET [<event> ...]",
  "    Reset latency data of one or more <event> classes.",
  "    (default: reset all data for all event classes)",
  "HISTOGRAM [COMMAND ...]",
  "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
  "    If no commands are specified then all histograms are replied.",
  "HELP",
  "    Prints this help.",
];

function latencyLatest(cx: Context): void {
  const events = cx.server.timing.monitor.events;
  cx.out.array(events.size);
  for (const [name, series] of events) {
    const last = series.samples[series.samples.length - 1];
    cx.out.array(4);
    cx.out.bulk(name);
    cx.out.int(last.time);
    cx.out.int(last.latency);
    cx.out.int(series.max);
  }
}

function latencyHistory(cx: Context): void {
  const series = cx.server.timing.monitor.events.get(cx.arg(2));
  if (series === undefined) return cx.out.array(0);
  cx.out.array(series.samples.length);
  for (const s of series.samples) {
    cx.out.array(2);
    cx.out.int(s.time);
    cx.out.int(s.latency);
  }
}

/** The command a LATENCY HISTOGRAM argument names: "get", or "config|get" for a subcommand. */
function lookup(cx: Context, name: string): Command | undefined {
  const [parent, sub] = name.toLowerCase().split("|", 2);
  const cmd = cx.server.commands.byName.get(parent);
  return sub === undefined ? cmd : cmd?.subcommands.get(sub);
}

/** LATENCY HISTOGRAM: Redis 7's map of command -> {calls, histogram_usec}, as flat arrays. */
function latencyHistogram(cx: Context): void {
  const chosen: Command[] = [];
  if (cx.argc === 2) {
    for (const cmd of cx.server.commands.all()) if (cmd.latency.count > 0) chosen.push(cmd);
  } else {
    for (let i = 2; i < cx.argc; i++) {
      const cmd = lookup(cx, cx.arg(i));
      if (cmd !== undefined && cmd.latency.count > 0 && !chosen.includes(cmd)) chosen.push(cmd);
    }
  }
  const out = cx.out;
  out.array(chosen.length * 2);
  for (const cmd of chosen) {
    const h = cmd.latency;
    out.bulk(cmd.fullName);
    out.array(4);
    out.bulk("calls");
    out.int(h.count);
    out.bulk("histogram_usec");
    // Cumulative counts at each power-of-two bound where the count grew, as Redis reports them.
    const rows: number[] = [];
    let cumulative = 0;
    for (let i = 0; i < h.counts.length; i++) {
      if (h.counts[i] === 0) continue;
      cumulative += h.counts[i];
      // The +Inf bucket has no bound: report it at twice the last one.
      rows.push(2 ** i, cumulative);
    }
    out.array(rows.length);
    for (const n of rows) out.int(n);
  }
}

const SLOWLOG_FLAGS: CommandSpec["flags"] = ["admin", "loading", "stale"];
const LATENCY_FLAGS: CommandSpec["flags"] = ["admin", "noscript", "loading", "stale"];
const HELP_FLAGS: CommandSpec["flags"] = ["loading", "stale"];
const PER_ENTRY = "O(N) where N is the number of entries returned";

const slowlogSub = subcommandsOf({
  flags: SLOWLOG_FLAGS,
  group: "server",
  since: "2.2.12",
  complexity: PER_ENTRY,
});
const latencySub = subcommandsOf({
  flags: LATENCY_FLAGS,
  group: "server",
  since: "2.8.13",
  complexity: PER_ENTRY,
});

export const latencyCommands: CommandSpec[] = [
  {
    name: "slowlog",
    arity: -2,
    flags: [],
    group: "server",
    since: "2.2.12",
    syntax: "<subcommand> [arguments]",
    summary: "A container for slow log commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      slowlogSub(
        "get",
        -2,
        "[count]",
        "Returns the slow log's newest entries (10 by default, -1 for all).",
        slowlogGet,
      ),
      {
        ...slowlogSub(
          "len",
          2,
          "",
          "Returns the number of entries in the slow log.",
          (cx) => cx.out.int(cx.server.timing.slowlog.length),
        ),
        complexity: "O(1)",
      },
      {
        ...slowlogSub("reset", 2, "", "Clears all entries from the slow log.", (cx) => {
          cx.server.timing.slowlog.reset();
          cx.out.ok();
        }),
        complexity: "O(N) where N is the number of entries in the slowlog",
      },
      {
        ...slowlogSub(
          "help",
          2,
          "",
          "Returns helpful text about the different subcommands.",
          (cx) => helpReply(cx, SLOWLOG_HELP),
        ),
        flags: HELP_FLAGS,
        since: "6.2.0",
        complexity: "O(1)",
      },
    ],
  },
  {
    name: "latency",
    arity: -2,
    flags: [],
    group: "server",
    since: "2.8.13",
    syntax: "<subcommand> [arguments]",
    summary: "A container for latency diagnostics commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      latencySub(
        "latest",
        2,
        "",
        "Returns the latest latency samples of every event: name, time, latest and maximum ms.",
        latencyLatest,
      ),
      latencySub(
        "history",
        3,
        "event",
        "Returns the latency samples of an event: [time, ms] pairs, oldest first.",
        latencyHistory,
      ),
      latencySub(
        "reset",
        -2,
        "[event [event ...]]",
        "Resets the latency samples of the events (all when none is named).",
        (cx) => cx.out.int(cx.server.timing.monitor.reset(cx.args(2))),
      ),
      {
        ...latencySub(
          "histogram",
          -2,
          "[command [command ...]]",
          "Returns the cumulative latency distribution of the commands (all commands called " +
            "when none is named), at power-of-two microsecond bounds.",
          latencyHistogram,
        ),
        flags: HELP_FLAGS,
        since: "7.0.0",
      },
      latencySub(
        "doctor",
        2,
        "",
        "Returns a human-readable latency analysis report.",
        (cx) =>
          cx.out.bulk(cx.server.timing.monitor.doctor(cx.server.config.latencyMonitorThreshold)),
      ),
      {
        ...latencySub(
          "help",
          2,
          "",
          "Returns helpful text about the different subcommands.",
          (cx) => helpReply(cx, LATENCY_HELP),
        ),
        flags: HELP_FLAGS,
        complexity: "O(1)",
      },
    ],
  },
];
