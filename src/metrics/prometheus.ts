// /metrics in Prometheus's text exposition format (version 0.0.4): every family with its HELP and
// TYPE lines, seed 002's series under seed 002's names, and the server's other counters.
import process from "node:process";
import type { ServerState } from "../commands/context.ts";
import { BOUNDS_US, FINITE_BUCKETS, type LatencyHistogram } from "./histogram.ts";
import { KEYVAL_VERSION } from "../version.ts";

/** The Content-Type of the text format. */
export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Bucket bounds as Prometheus `le` values, in seconds. */
const LE: readonly string[] = [...BOUNDS_US.map((us) => String(us / 1e6)), "+Inf"];

type MetricType = "counter" | "gauge" | "histogram" | "untyped";

/** A label value escaped for the text format (backslash, double quote, line feed). */
export function labelValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** A sample value: integers and floats as JavaScript prints them, and +Inf, -Inf, NaN. */
export function sampleValue(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

/** Builds the exposition text family by family. */
export class MetricsText {
  private text = "";

  /** Starts a family: its HELP and TYPE lines. */
  family(name: string, type: MetricType, help: string): this {
    this.text += `# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n` +
      `# TYPE ${name} ${type}\n`;
    return this;
  }

  /** One sample; `labels` is already rendered (`{a="b"}`) or empty. */
  sample(name: string, value: number, labels = ""): this {
    this.text += `${name}${labels} ${sampleValue(value)}\n`;
    return this;
  }

  /** A family with one unlabelled sample. */
  single(name: string, type: MetricType, help: string, value: number): this {
    return this.family(name, type, help).sample(name, value);
  }

  /** The buckets, sum and count of one histogram; `label` is `name="value"` or empty. */
  histogram(name: string, h: LatencyHistogram, label = ""): this {
    const pre = label === "" ? "{" : `{${label},`;
    let cumulative = 0;
    for (let i = 0; i <= FINITE_BUCKETS; i++) {
      cumulative += h.counts[i];
      this.text += `${name}_bucket${pre}le="${LE[i]}"} ${cumulative}\n`;
    }
    const labels = label === "" ? "" : `{${label}}`;
    this.text += `${name}_sum${labels} ${sampleValue(h.sumUs / 1e6)}\n`;
    this.text += `${name}_count${labels} ${h.count}\n`;
    return this;
  }

  /** The text, ending with a line feed. */
  toString(): string {
    return this.text;
  }
}

/** Every metric of the server, in the text format. */
export function renderMetrics(s: ServerState): string {
  const m = new MetricsText();
  const st = s.stats;
  const ks = s.keyspace;

  m.single(
    "keyval_active_connections",
    "gauge",
    "Clients connected now.",
    s.clients.size,
  );
  m.family("keyval_cmd_total", "counter", "Commands run, by command (as INFO commandstats).");
  for (const cmd of s.commands.all()) {
    if (cmd.calls > 0) m.sample("keyval_cmd_total", cmd.calls, cmdLabel(cmd.fullName, true));
  }
  m.family(
    "keyval_cmd_latency_seconds",
    "histogram",
    "Time commands took, by command. Fast commands in a pipelined batch share its time.",
  );
  for (const cmd of s.commands.all()) {
    if (cmd.latency.count > 0) {
      m.histogram("keyval_cmd_latency_seconds", cmd.latency, cmdLabel(cmd.fullName, false));
    }
  }
  // Seed 002's name, which promtool's lint rejects for a gauge (a "_count" suffix belongs to
  // histograms and summaries): exposed untyped for its dashboards, and as a gauge below.
  m.single("keyval_keys_count", "untyped", "Keys in the keyspace (seed 002's name).", ks.size);
  m.single("keyval_keys", "gauge", "Keys in the keyspace.", ks.size);
  m.single("keyval_expiring_keys", "gauge", "Keys with a time to live.", ks.expires.size);

  const mem = Deno.memoryUsage();
  m.single(
    "process_resident_memory_bytes",
    "gauge",
    "Resident memory size in bytes.",
    mem.rss,
  );
  const cpu = process.cpuUsage();
  m.single(
    "process_cpu_seconds_total",
    "counter",
    "User and system CPU time spent, in seconds.",
    (cpu.user + cpu.system) / 1e6,
  );
  m.single(
    "process_start_time_seconds",
    "gauge",
    "Start time of the process since the Unix epoch, in seconds.",
    Math.floor(s.startedAt / 1000),
  );
  m.single(
    "keyval_memory_used_bytes",
    "gauge",
    "Memory used by the dataset: the V8 heap in use and the pages of short string values and " +
      "expiry times (INFO used_memory less other external memory).",
    mem.heapUsed + ks.offHeapBytes,
  );

  m.single(
    "keyval_connections_accepted_total",
    "counter",
    "Client connections accepted.",
    st.connections,
  );
  m.single(
    "keyval_connections_rejected_total",
    "counter",
    "Client connections refused (max clients reached).",
    st.rejectedConnections,
  );
  m.single(
    "keyval_commands_processed_total",
    "counter",
    "Commands run, all commands together.",
    st.commands,
  );
  m.single(
    "keyval_keyspace_hits_total",
    "counter",
    "Key lookups that found the key.",
    ks.hits,
  );
  m.single(
    "keyval_keyspace_misses_total",
    "counter",
    "Key lookups that did not find the key.",
    ks.misses,
  );
  m.single(
    "keyval_expired_keys_total",
    "counter",
    "Keys removed because their time to live ran out.",
    ks.expiredKeys,
  );
  m.single(
    "keyval_net_input_bytes_total",
    "counter",
    "Bytes received from clients.",
    st.netInputBytes,
  );
  m.single(
    "keyval_net_output_bytes_total",
    "counter",
    "Bytes sent to clients.",
    st.netOutputBytes,
  );
  m.family(
    "keyval_errors_total",
    "counter",
    "Error replies, by type: the error's first word (as INFO errorstats).",
  );
  for (const [type, n] of st.errorTypes) {
    m.sample("keyval_errors_total", n, `{type="${labelValue(type)}"}`);
  }
  m.single(
    "keyval_slowlog_length",
    "gauge",
    "Entries in the SLOWLOG.",
    s.timing.slowlog.length,
  );
  m.family("keyval_build_info", "gauge", "Always 1; the labels say which keyval runs.");
  m.sample(
    "keyval_build_info",
    1,
    `{version="${labelValue(KEYVAL_VERSION)}",deno="${labelValue(Deno.version.deno)}"}`,
  );
  return m.toString();
}

/** `cmd="SET"`: seed 002's upper-case names, "CONFIG|GET" for subcommands. */
function cmdLabel(name: string, braces: boolean): string {
  const label = `cmd="${labelValue(name.toUpperCase())}"`;
  return braces ? `{${label}}` : label;
}
