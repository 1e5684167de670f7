// Server settings: flags, environment and defaults, parsed once into a plain typed object.
import { parseArgs } from "node:util";

/** Everything the server needs to know about how it was started. */
export interface Config {
  host: string;
  port: number;
  maxLineBytes: number;
  maxValueBytes: number;
  maxQueryBufferBytes: number;
  maxClients: number;
  janitorIntervalMs: number;
  /**
   * SLOWLOG logs commands that ran at least this many µs (-1: none, 0: all). This and the next
   * three may change at run time (CONFIG SET): readers take them from here on every use.
   */
  slowlogLogSlowerThan: number;
  /** Entries SLOWLOG keeps. */
  slowlogMaxLen: number;
  /** LATENCY records events of at least this many ms (0: off). */
  latencyMonitorThreshold: number;
  /** Per-command latency histograms (/metrics, LATENCY HISTOGRAM); Redis's latency-tracking. */
  latencyTracking: boolean;
  /** Percentiles INFO latencystats reports (Redis's latency-tracking-info-percentiles). */
  latencyTrackingInfoPercentiles: number[];
  /** Where /metrics is served; null when off. */
  metricsBind: { host: string; port: number } | null;
}

/** The Config fields that hold a plain number set by one flag. */
type NumericKey = {
  [K in keyof Config]: Config[K] extends number ? K : never;
}[keyof Config];

/** One documented setting: the flag, its default and what it does (drives --help and parsing). */
export interface Setting {
  flag: string;
  key: Exclude<NumericKey, "host" | "port">;
  min: number;
  max: number;
  def: number;
  help: string;
}

const MiB = 1024 * 1024;

export const SETTINGS: readonly Setting[] = [
  {
    flag: "max-line-bytes",
    key: "maxLineBytes",
    min: 16,
    max: 512 * MiB,
    def: 64 * 1024,
    help: "longest inline request line and RESP header line, in bytes",
  },
  {
    flag: "max-value-bytes",
    key: "maxValueBytes",
    min: 1,
    max: 512 * MiB,
    def: 512 * MiB,
    help: "longest bulk string a client may send (Redis's proto-max-bulk-len)",
  },
  {
    flag: "max-query-buffer-bytes",
    key: "maxQueryBufferBytes",
    min: 1024,
    max: 2047 * MiB,
    def: 1024 * MiB,
    help: "most unprocessed request bytes buffered for one client (client-query-buffer-limit)",
  },
  {
    flag: "max-clients",
    key: "maxClients",
    min: 1,
    max: 1_000_000,
    def: 10_000,
    help: "most simultaneous client connections; more are refused with an error",
  },
  {
    flag: "janitor-interval-ms",
    key: "janitorIntervalMs",
    min: 1,
    max: 60_000,
    def: 100,
    help: "how often the janitor samples keys with a TTL to reclaim expired ones",
  },
  {
    flag: "slowlog-log-slower-than",
    key: "slowlogLogSlowerThan",
    min: -1,
    max: Number.MAX_SAFE_INTEGER,
    def: 10_000,
    help: "SLOWLOG logs commands that ran at least this many microseconds (-1: none, 0: all)",
  },
  {
    flag: "slowlog-max-len",
    key: "slowlogMaxLen",
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    def: 128,
    help: "entries SLOWLOG keeps",
  },
  {
    flag: "latency-monitor-threshold",
    key: "latencyMonitorThreshold",
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    def: 0,
    help: "LATENCY records events of at least this many milliseconds (0: off)",
  },
];

export const DEFAULT_METRICS_PORT = 9100;

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 6379;

/** The --help text, listing every flag and environment variable with its default. */
export function helpText(): string {
  const lines = [
    "keyval: a Redis-compatible in-memory key-value cache server",
    "",
    "Usage: keyval [options]",
    "",
    "Options:",
    `  --bind HOST[:PORT]          address to listen on (default ${DEFAULT_HOST})`,
    `  --port N                    TCP port, 0 picks a free one (default ${DEFAULT_PORT})`,
  ];
  for (const s of SETTINGS) {
    lines.push(`  --${(s.flag + " N ").padEnd(26)}${s.help} (default ${s.def})`);
  }
  lines.push(
    `  --metrics-bind HOST[:PORT]  serve Prometheus /metrics over HTTP there, or 'off'` +
      ` (default ${DEFAULT_HOST}:${DEFAULT_METRICS_PORT})`,
    "  --latency-tracking yes|no   per-command latency histograms for /metrics, INFO latencystats" +
      " and LATENCY HISTOGRAM (default yes)",
    "  -h, --help                  show this text and exit",
    "",
    "Environment:",
    `  KEYVAL_BIND=HOST[:PORT]     address to listen on; --bind and --port override its parts`,
    `  METRICS_BIND=HOST[:PORT]    where /metrics is served, or 'off'; --metrics-bind overrides`,
    "",
    "Flags win over the environment, which wins over the defaults.",
  );
  return lines.join("\n");
}

/** Thrown for a bad flag or value; main prints the message and exits with status 2. */
export class ConfigError extends Error {}

function parseBind(text: string, what: string): { host: string; port?: number } {
  // "[::1]:6379", "[::1]", "127.0.0.1:6379", "127.0.0.1", "::1"
  if (text.startsWith("[")) {
    const bracketed = /^\[([^[\]]+)\](?::(.*))?$/.exec(text);
    if (!bracketed) {
      throw new ConfigError(`${what}: bad address '${text}' (write IPv6 as [::1]:6379)`);
    }
    const port = bracketed[2] === undefined ? undefined : parsePort(bracketed[2], what);
    return { host: bracketed[1], port };
  }
  if (text.includes("[") || text.includes("]")) {
    throw new ConfigError(`${what}: bad address '${text}' (write IPv6 as [::1]:6379)`);
  }
  const colons = text.split(":").length - 1;
  if (colons === 1) {
    const [host, port] = text.split(":");
    if (host === "") throw new ConfigError(`${what}: missing host in '${text}'`);
    return { host, port: parsePort(port, what) };
  }
  if (text === "") throw new ConfigError(`${what}: empty address`);
  return { host: text };
}

function parsePort(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) {
    throw new ConfigError(`${what}: port must be a whole number from 0 to 65535, got '${text}'`);
  }
  return Number(text);
}

function parseNumber(s: Setting, text: string): number {
  if (!(s.min < 0 ? /^-?\d+$/ : /^\d+$/).test(text)) {
    throw new ConfigError(`--${s.flag}: expected a whole number, got '${text}'`);
  }
  const n = Number(text);
  if (n < s.min || n > s.max) {
    throw new ConfigError(`--${s.flag}: must be between ${s.min} and ${s.max}, got ${n}`);
  }
  return n;
}

/** yes|no as a boolean; `def` when the flag is absent. */
function parseYesNo(v: string | boolean | undefined, what: string, def: boolean): boolean {
  if (typeof v !== "string") return def;
  if (v === "yes") return true;
  if (v === "no") return false;
  throw new ConfigError(`${what}: expected yes or no, got '${v}'`);
}

/** --metrics-bind (or METRICS_BIND): "off", HOST or HOST:PORT (the port defaults to 9100). */
function parseMetricsBind(
  flag: string | boolean | undefined,
  env: string | undefined,
): Config["metricsBind"] {
  const [text, what] = typeof flag === "string"
    ? [flag, "--metrics-bind"]
    : env !== undefined && env !== ""
    ? [env, "METRICS_BIND"]
    : [`${DEFAULT_HOST}:${DEFAULT_METRICS_PORT}`, "--metrics-bind"];
  if (text === "off") return null;
  const b = parseBind(text, what);
  return { host: b.host, port: b.port ?? DEFAULT_METRICS_PORT };
}

/** Parses flags and environment into a Config; returns "help" when --help was asked for. */
export function parseConfig(
  args: string[],
  env: Record<string, string | undefined>,
): Config | "help" {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    bind: { type: "string" },
    port: { type: "string" },
    "metrics-bind": { type: "string" },
    "latency-tracking": { type: "string" },
    help: { type: "boolean", short: "h" },
  };
  for (const s of SETTINGS) options[s.flag] = { type: "string" };
  let values: Record<string, string | boolean | undefined>;
  try {
    // parseArgs takes "-1" after a flag for another flag: join negative numbers to theirs.
    const joined = args.flatMap((a, i) =>
      /^-\d+$/.test(a) && args[i - 1]?.startsWith("--") && !args[i - 1].includes("=")
        ? []
        : /^-\d+$/.test(args[i + 1] ?? "") && a.startsWith("--") && !a.includes("=")
        ? [`${a}=${args[i + 1]}`]
        : [a]
    );
    ({ values } = parseArgs({ args: joined, options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (values.help) return "help";

  let host = DEFAULT_HOST;
  let port = DEFAULT_PORT;
  if (env.KEYVAL_BIND !== undefined && env.KEYVAL_BIND !== "") {
    const b = parseBind(env.KEYVAL_BIND, "KEYVAL_BIND");
    host = b.host;
    if (b.port !== undefined) port = b.port;
  }
  if (typeof values.bind === "string") {
    const b = parseBind(values.bind, "--bind");
    host = b.host;
    if (b.port !== undefined) port = b.port;
  }
  if (typeof values.port === "string") port = parsePort(values.port, "--port");

  const config: Config = {
    host,
    port,
    maxLineBytes: 0,
    maxValueBytes: 0,
    maxQueryBufferBytes: 0,
    maxClients: 0,
    janitorIntervalMs: 0,
    slowlogLogSlowerThan: 0,
    slowlogMaxLen: 0,
    latencyMonitorThreshold: 0,
    latencyTracking: parseYesNo(values["latency-tracking"], "--latency-tracking", true),
    latencyTrackingInfoPercentiles: [50, 99, 99.9],
    metricsBind: parseMetricsBind(values["metrics-bind"], env.METRICS_BIND),
  };
  for (const s of SETTINGS) {
    const v = values[s.flag];
    config[s.key] = typeof v === "string" ? parseNumber(s, v) : s.def;
  }
  return config;
}

/** The defaults, as a Config (for tests and embedding). */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  const c = parseConfig([], {});
  if (c === "help") throw new Error("unreachable");
  return { ...c, ...overrides };
}
