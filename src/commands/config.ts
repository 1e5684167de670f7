// CONFIG GET/SET/RESETSTAT/REWRITE/HELP over keyval's settings, under Redis's parameter names
// where Redis has one. Settings that can change at run time live in the server's Config object,
// whose readers look them up on every use, so a CONFIG SET takes effect for the next request.
// Parameters keyval cannot change (the address, its one database, no persistence ...) are
// reported and refused as immutable.
import type { Context, ServerState } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import { type Config, SETTINGS } from "../config.ts";
import { globMatch } from "../store/glob.ts";
import { parseInt64 } from "./numbers.ts";
import { SYNTAX } from "./replies.ts";
import { containerHelp } from "./introspection.ts";

/** A CONFIG SET value checked and ready to apply, or the reason it was refused. */
type Parsed = { apply: () => void } | { error: string };

/** One parameter: its Redis name, how to read it, and (when settable) how to set it. */
interface Parameter {
  name: string;
  get: (s: ServerState) => string;
  /** Checks a new value without changing anything; absent for an immutable parameter. */
  set?: (s: ServerState, value: string) => Parsed;
}

const INT64_MAX = 9223372036854775807n;
const UINT32_MAX = 4294967295;
const INT32_MAX = 2147483647;
const MiB = 1024 * 1024;

/** A whole number as Redis's string2ll reads it, within [min, max]; big values come clamped to
 * the largest safe integer (a limit of 2^53 µs or entries is as unlimited as 2^63). */
function integer(
  value: string,
  min: number | bigint,
  max: number | bigint,
): number | { error: string } {
  const n = parseInt64(value);
  if (n === undefined) return { error: "argument couldn't be parsed into an integer" };
  if (n < min || n > max) return { error: `argument must be between ${min} and ${max} inclusive` };
  return Math.min(Number(n), Number.MAX_SAFE_INTEGER);
}

/** A Map, not an object: a unit like "constructor" must find nothing. */
const UNITS = new Map<string, number>([
  ["", 1],
  ["b", 1],
  ["k", 1000],
  ["kb", 1024],
  ["m", 1000 * 1000],
  ["mb", MiB],
  ["g", 1000 * 1000 * 1000],
  ["gb", 1024 * MiB],
]);

/** A byte count as Redis's memtoull reads it (digits and an optional unit: 1mb, 64k, 2gb; no
 * digits read as 0), within [min, max]. */
function memory(value: string, min: number, max: number): number | { error: string } {
  const m = /^(\d*)([a-zA-Z]*)$/.exec(value);
  const unit = m ? UNITS.get(m[2].toLowerCase()) : undefined;
  if (!m || unit === undefined) return { error: "argument must be a memory value" };
  const n = Number(m[1]) * unit;
  if (n < min || n > max) return { error: `argument must be between ${min} and ${max} inclusive` };
  return n;
}

/** The flag's range for a Config field: CONFIG SET of the fields that use it accepts what the
 * flag accepts. */
function flagRange(key: keyof Config): { min: number; max: number } {
  const s = SETTINGS.find((s) => s.key === key);
  if (s === undefined) throw new Error(`no flag sets ${key}`);
  return s;
}

/** The Config fields that hold a number. */
type NumericField = { [K in keyof Config]: Config[K] extends number ? K : never }[keyof Config];

/** A setter that stores the number `parse` reads from the value into the Config field `key`. */
function field(
  key: NumericField,
  parse: (value: string) => number | { error: string },
): Parameter["set"] {
  return (s, value) => {
    const n = parse(value);
    if (typeof n !== "number") return n;
    return { apply: () => s.config[key] = n };
  };
}

/** A setter of an integer field within [min, max]. */
const numeric = (key: NumericField, min: number | bigint, max: number | bigint) =>
  field(key, (value) => integer(value, min, max));

/** An hz within the 1..500 that Redis runs at, whatever it was set to. */
function clampHz(hz: number): number {
  return Math.min(500, Math.max(1, hz));
}

/** Redis's hz for a janitor interval: cycles per second, within Redis's 1..500. */
export function hzOf(intervalMs: number): number {
  return clampHz(Math.round(1000 / intervalMs));
}

function setJanitorInterval(s: ServerState, ms: number): void {
  s.config.janitorIntervalMs = ms;
  s.janitor.setInterval(ms);
}

const yesNo = (b: boolean) => (b ? "yes" : "no");

const PARAMETERS: Parameter[] = [
  { name: "bind", get: (s) => s.config.host },
  { name: "port", get: (s) => String(s.port) },
  {
    name: "maxclients",
    get: (s) => String(s.maxClients),
    set: (s, value) => {
      const n = integer(value, 1, UINT32_MAX);
      if (typeof n !== "number") return n;
      if (s.clientRoom !== undefined && n > s.clientRoom) {
        return {
          error: "The operating system is not able to handle the specified number of clients, " +
            `try with ${s.clientRoom}`,
        };
      }
      return { apply: () => s.maxClients = s.config.maxClients = n };
    },
  },
  {
    // Redis's minimum of 1 MiB; keyval's maximum, which V8's longest string bounds.
    name: "proto-max-bulk-len",
    get: (s) => String(s.config.maxValueBytes),
    set: field("maxValueBytes", (value) => memory(value, MiB, flagRange("maxValueBytes").max)),
  },
  {
    name: "client-query-buffer-limit",
    get: (s) => String(s.config.maxQueryBufferBytes),
    set: field(
      "maxQueryBufferBytes",
      (value) => memory(value, MiB, flagRange("maxQueryBufferBytes").max),
    ),
  },
  {
    // Redis takes 0..INT_MAX and runs at 1..500 of them; the janitor runs every 1000/hz ms.
    name: "hz",
    get: (s) => String(hzOf(s.config.janitorIntervalMs)),
    set: (s, value) => {
      const n = integer(value, 0, INT32_MAX);
      if (typeof n !== "number") return n;
      const ms = Math.round(1000 / clampHz(n));
      return { apply: () => setJanitorInterval(s, ms) };
    },
  },
  {
    name: "janitor-interval-ms",
    get: (s) => String(s.config.janitorIntervalMs),
    set: (s, value) => {
      const { min, max } = flagRange("janitorIntervalMs");
      const n = integer(value, min, max);
      if (typeof n !== "number") return n;
      return { apply: () => setJanitorInterval(s, n) };
    },
  },
  {
    name: "max-line-bytes",
    get: (s) => String(s.config.maxLineBytes),
    set: numeric("maxLineBytes", flagRange("maxLineBytes").min, flagRange("maxLineBytes").max),
  },
  {
    name: "slowlog-log-slower-than",
    get: (s) => String(s.config.slowlogLogSlowerThan),
    set: numeric("slowlogLogSlowerThan", -1, INT64_MAX),
  },
  {
    name: "slowlog-max-len",
    get: (s) => String(s.config.slowlogMaxLen),
    set: numeric("slowlogMaxLen", 0, INT64_MAX),
  },
  {
    name: "latency-monitor-threshold",
    get: (s) => String(s.config.latencyMonitorThreshold),
    set: numeric("latencyMonitorThreshold", 0, INT64_MAX),
  },
  {
    name: "latency-tracking",
    get: (s) => yesNo(s.config.latencyTracking),
    set: (s, value) => {
      const v = value.toLowerCase();
      if (v !== "yes" && v !== "no") return { error: "argument must be 'yes' or 'no'" };
      return { apply: () => s.config.latencyTracking = v === "yes" };
    },
  },
  {
    name: "latency-tracking-info-percentiles",
    get: (s) => s.config.latencyTrackingInfoPercentiles.join(" "),
    set: (s, value) => {
      const list: number[] = [];
      for (const word of value.split(" ")) {
        if (word === "") continue;
        const n = Number(word);
        if (Number.isNaN(n)) {
          return { error: "Invalid latency-tracking-info-percentiles parameters" };
        }
        if (n < 0 || n > 100) {
          return {
            error: "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
          };
        }
        list.push(n);
      }
      return { apply: () => s.config.latencyTrackingInfoPercentiles = list };
    },
  },
  // What keyval is, under the names clients ask for; none of it can change.
  { name: "databases", get: () => "1" },
  { name: "save", get: () => "" },
  { name: "appendonly", get: () => "no" },
  { name: "maxmemory", get: () => "0" },
  { name: "maxmemory-policy", get: () => "noeviction" },
  { name: "timeout", get: () => "0" },
  { name: "protected-mode", get: () => "no" },
  { name: "daemonize", get: () => "no" },
];

const BY_NAME = new Map(PARAMETERS.map((p) => [p.name, p]));

function configGet(cx: Context): void {
  // As Redis: a plain name is looked up and answered under the name as given, a glob pattern
  // matches parameter names ignoring case; each parameter is answered once.
  const found = new Map<Parameter, string>();
  for (let i = 2; i < cx.argc; i++) {
    const arg = cx.arg(i);
    if (!/[[*?]/.test(arg)) {
      const p = BY_NAME.get(arg.toLowerCase());
      if (p !== undefined && !found.has(p)) found.set(p, arg);
      continue;
    }
    for (const p of PARAMETERS) {
      if (!found.has(p) && globMatch(arg, p.name, true)) found.set(p, p.name);
    }
  }
  cx.out.array(found.size * 2);
  for (const [p, name] of found) {
    cx.out.bulk(name);
    cx.out.bulk(p.get(cx.server));
  }
}

/** CONFIG SET name value [name value ...]: all or nothing, with Redis's checks in its order. */
function configSet(cx: Context): void {
  if (cx.argc % 2 !== 0) return cx.out.error(SYNTAX);
  // First the names: the first unknown one, an immutable one or a repeated one refuses all.
  const chosen: Parameter[] = [];
  for (let i = 2; i < cx.argc; i += 2) {
    const typed = cx.arg(i);
    const p = BY_NAME.get(typed.toLowerCase());
    if (p === undefined) {
      return cx.out.error(`ERR Unknown option or number of arguments for CONFIG SET - '${typed}'`);
    }
    if (p.set === undefined) return cx.out.error(failed(typed, "can't set immutable config"));
    if (chosen.includes(p)) return cx.out.error(failed(typed, "duplicate parameter"));
    chosen.push(p);
  }
  // Then every value, before any is applied.
  const changes: (() => void)[] = [];
  for (let j = 0; j < chosen.length; j++) {
    const p = chosen[j];
    const r = p.set!(cx.server, cx.arg(3 + 2 * j));
    if ("error" in r) return cx.out.error(failed(p.name, r.error));
    changes.push(r.apply);
  }
  for (const apply of changes) apply();
  cx.out.ok();
}

function failed(name: string, why: string): string {
  return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
}

function configResetstat(cx: Context): void {
  const s = cx.server;
  s.stats.reset();
  s.keyspace.hits = s.keyspace.misses = s.keyspace.expiredKeys = 0;
  // Redis's resetServerStats zeroes these two of the active expire cycle's counters too.
  s.janitor.stats.timeLimited = s.janitor.stats.busyMs = 0;
  for (const cmd of s.commands.all()) {
    cmd.calls =
      cmd.failedCalls =
      cmd.rejectedCalls =
      cmd.usec =
        0;
    cmd.latency.reset();
  }
  cx.out.ok();
}

const flags: CommandSpec["flags"] = ["admin", "noscript", "loading", "stale"];

/** The CONFIG container and its subcommands. */
export const configCommand: CommandSpec = {
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
      flags,
      group: "server",
      since: "2.0.0",
      syntax: "parameter [parameter ...]",
      summary: "Returns the effective values of configuration parameters matching the patterns.",
      complexity: "O(N) when N is the number of configuration parameters provided",
      handler: configGet,
    },
    {
      name: "set",
      arity: -4,
      flags,
      group: "server",
      since: "2.0.0",
      syntax: "parameter value [parameter value ...]",
      summary: "Sets configuration parameters in-flight, all or none.",
      complexity: "O(N) when N is the number of configuration parameters provided",
      handler: configSet,
    },
    {
      name: "resetstat",
      arity: 2,
      flags,
      group: "server",
      since: "2.0.0",
      syntax: "",
      summary: "Resets the server's statistics.",
      complexity: "O(1)",
      handler: configResetstat,
    },
    {
      name: "rewrite",
      arity: 2,
      flags,
      group: "server",
      since: "2.8.0",
      syntax: "",
      summary: "Persists the effective configuration to file (keyval has none: always an error).",
      complexity: "O(1)",
      handler: (cx) => cx.out.error("ERR The server is running without a config file"),
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
};
