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
}

/** One documented setting: the flag, its default and what it does (drives --help and parsing). */
interface Setting {
  flag: string;
  key: keyof Omit<Config, "host" | "port">;
  min: number;
  max: number;
  def: number;
  help: string;
}

const MiB = 1024 * 1024;

const SETTINGS: Setting[] = [
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
];

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
    lines.push(`  --${(s.flag + " N").padEnd(26)}${s.help} (default ${s.def})`);
  }
  lines.push(
    "  -h, --help                  show this text and exit",
    "",
    "Environment:",
    `  KEYVAL_BIND=HOST[:PORT]     address to listen on; --bind and --port override its parts`,
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
  if (!/^\d+$/.test(text)) {
    throw new ConfigError(`--${s.flag}: expected a whole number, got '${text}'`);
  }
  const n = Number(text);
  if (n < s.min || n > s.max) {
    throw new ConfigError(`--${s.flag}: must be between ${s.min} and ${s.max}, got ${n}`);
  }
  return n;
}

/** Parses flags and environment into a Config; returns "help" when --help was asked for. */
export function parseConfig(
  args: string[],
  env: Record<string, string | undefined>,
): Config | "help" {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    bind: { type: "string" },
    port: { type: "string" },
    help: { type: "boolean", short: "h" },
  };
  for (const s of SETTINGS) options[s.flag] = { type: "string" };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
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
