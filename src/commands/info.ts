// INFO and STATS: what the server is doing, in Redis's section and field names.
import process from "node:process";
import type { Context, ServerState } from "./context.ts";
import { KEYVAL_VERSION, REDIS_COMPAT_VERSION } from "../version.ts";
import { BOUNDS_US } from "../metrics/histogram.ts";
import { bytesToHuman, randomHex } from "../text.ts";
import { hzOf } from "./config.ts";

const RUN_ID = randomHex(20);

type Row = [string, string | number];
type Section = (s: ServerState) => Row[];

/** The replication ID a master without replicas still reports. */
const REPL_ID = randomHex(20);

/** Redis's name for the OS, as `uname -s` gives it (the release needs --allow-sys). */
const OS_NAMES: Record<string, string> = { linux: "Linux", darwin: "Darwin", windows: "Windows" };

/**
 * Every section in Redis's order, with its heading. Fields carry Redis's names and meanings;
 * the few of keyval's own start with `keyval_`. Fields keyval cannot know honestly (peaks
 * sampled by Redis's cron, instantaneous rates, the dirty-key count) are left out, not faked.
 */
const SECTIONS: [string, string, Section][] = [
  ["server", "Server", (s) => {
    const now = performance.timeOrigin + performance.now();
    const uptime = Math.floor((now - s.startedAt) / 1000);
    const hz = hzOf(s.config.janitorIntervalMs);
    return [
      ["redis_version", REDIS_COMPAT_VERSION],
      ["keyval_version", KEYVAL_VERSION],
      ["keyval_runtime", `deno ${Deno.version.deno} v8 ${Deno.version.v8}`],
      ["redis_mode", "standalone"],
      ["os", `${OS_NAMES[Deno.build.os] ?? Deno.build.os} ${Deno.build.arch}`],
      ["arch_bits", 64],
      ["process_id", Deno.pid],
      ["process_supervised", "no"],
      ["run_id", RUN_ID],
      ["tcp_port", s.port],
      ["server_time_usec", Math.floor(now * 1000)],
      ["uptime_in_seconds", uptime],
      ["uptime_in_days", Math.floor(uptime / 86400)],
      ["hz", hz],
      ["configured_hz", hz],
      ["executable", Deno.execPath()],
      ["config_file", ""],
      ["io_threads_active", 0],
    ];
  }],
  ["clients", "Clients", (s) => {
    let maxInput = 0;
    for (const c of s.clients.values()) maxInput = Math.max(maxInput, c.queryBufferBytes());
    return [
      // Monitors count too, as in Redis.
      ["connected_clients", s.clients.size],
      ["cluster_connections", 0],
      ["maxclients", s.maxClients],
      // Redis keeps the largest of the last few seconds; keyval reports the largest right now.
      ["client_recent_max_input_buffer", maxInput],
      ["blocked_clients", s.blocking.blockedClients],
      ["tracking_clients", 0],
    ];
  }],
  ["memory", "Memory", (s) => {
    const m = Deno.memoryUsage();
    const used = m.heapUsed + m.external;
    return [
      ["used_memory", used],
      ["used_memory_human", bytesToHuman(used)],
      ["used_memory_rss", m.rss],
      ["used_memory_rss_human", bytesToHuman(m.rss)],
      ["keyval_heap_total", m.heapTotal],
      ["keyval_slab_bytes", s.keyspace.slab.bytes],
      ["keyval_expiry_bytes", s.keyspace.expires.bytes],
      ["maxmemory", 0],
      ["maxmemory_human", "0B"],
      ["maxmemory_policy", "noeviction"],
      ["mem_fragmentation_ratio", (m.rss / used).toFixed(2)],
      ["mem_allocator", "v8"],
    ];
  }],
  ["persistence", "Persistence", (s) => [
    ["loading", 0],
    ["async_loading", 0],
    ["rdb_bgsave_in_progress", 0],
    // Redis sets the last save time to its start when it has never saved.
    ["rdb_last_save_time", Math.floor(s.startedAt / 1000)],
    ["rdb_last_bgsave_status", "ok"],
    ["rdb_saves", 0],
    ["aof_enabled", 0],
    ["aof_rewrite_in_progress", 0],
    ["aof_rewrites", 0],
    ["aof_last_write_status", "ok"],
  ]],
  ["stats", "Stats", (s) => {
    const st = s.stats;
    const j = s.janitor.stats;
    return [
      ["total_connections_received", st.connections],
      ["total_commands_processed", st.commands],
      ["total_net_input_bytes", st.netInputBytes],
      ["total_net_output_bytes", st.netOutputBytes],
      ["rejected_connections", st.rejectedConnections],
      ["expired_keys", s.keyspace.expiredKeys],
      ["expired_time_cap_reached_count", j.timeLimited],
      ["expire_cycle_cpu_milliseconds", Math.round(j.busyMs)],
      ["evicted_keys", 0],
      ["evicted_clients", 0],
      ["keyspace_hits", s.keyspace.hits],
      ["keyspace_misses", s.keyspace.misses],
      ["total_error_replies", st.errorReplies],
      ["keyval_protocol_errors", st.protocolErrors],
    ];
  }],
  ["replication", "Replication", () => [
    ["role", "master"],
    ["connected_slaves", 0],
    ["master_failover_state", "no-failover"],
    ["master_replid", REPL_ID],
    ["master_replid2", "0".repeat(40)],
    ["master_repl_offset", 0],
    ["second_repl_offset", -1],
    ["repl_backlog_active", 0],
  ]],
  ["cpu", "CPU", () => {
    const u = process.cpuUsage();
    return [
      ["used_cpu_sys", (u.system / 1e6).toFixed(6)],
      ["used_cpu_user", (u.user / 1e6).toFixed(6)],
      ["used_cpu_sys_children", "0.000000"],
      ["used_cpu_user_children", "0.000000"],
    ];
  }],
  ["modules", "Modules", () => []],
  ["commandstats", "Commandstats", (s) => {
    const rows: Row[] = [];
    for (const cmd of s.commands.all()) {
      if (cmd.calls === 0 && cmd.rejectedCalls === 0 && cmd.failedCalls === 0) continue;
      const perCall = cmd.calls === 0 ? 0 : cmd.usec / cmd.calls;
      rows.push([
        `cmdstat_${cmd.fullName}`,
        `calls=${cmd.calls},usec=${Math.round(cmd.usec)},usec_per_call=${perCall.toFixed(2)},` +
        `rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`,
      ]);
    }
    return rows;
  }],
  ["errorstats", "Errorstats", (s) => {
    // Sorted by code, as Redis's radix tree lists them.
    const codes = [...s.stats.errorTypes.keys()].sort();
    return codes.map((code) => [`errorstat_${code}`, `count=${s.stats.errorTypes.get(code)}`]);
  }],
  ["latencystats", "Latencystats", (s) => {
    if (!s.config.latencyTracking) return [];
    const rows: Row[] = [];
    for (const cmd of s.commands.all()) {
      const h = cmd.latency;
      if (h.count === 0) continue;
      // Each value is the upper bound of the power-of-two µs bucket holding the percentile
      // (Redis's HDR histogram is finer); past the last bucket, the last bound.
      const parts = s.config.latencyTrackingInfoPercentiles.map((p) => {
        const v = h.quantile(p / 100);
        return `p${p}=${(Number.isFinite(v) ? v : BOUNDS_US[BOUNDS_US.length - 1]).toFixed(3)}`;
      });
      rows.push([`latency_percentiles_usec_${cmd.fullName}`, parts.join(",")]);
    }
    return rows;
  }],
  ["cluster", "Cluster", () => [["cluster_enabled", 0]]],
  ["keyspace", "Keyspace", (s) => {
    const ks = s.keyspace;
    if (ks.size === 0) return [];
    const expires = ks.expires.size;
    const avgTtl = expires === 0 ? 0 : Math.round(s.janitor.stats.avgTtlMs);
    return [["db0", `keys=${ks.size},expires=${expires},avg_ttl=${avgTtl}`]];
  }],
];

/** The sections INFO gives without arguments (and for "default"), as Redis 7. */
const DEFAULT_SECTIONS = new Set([
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "modules",
  "errorstats",
  "cluster",
  "keyspace",
]);

/** The INFO text for the given lower-case section names (none: the default sections). Several
 * names give the union, in Redis's section order; unknown names are ignored. */
export function infoText(s: ServerState, names: string[]): string {
  const wanted = new Set(names.length === 0 ? DEFAULT_SECTIONS : names);
  const all = wanted.has("all") || wanted.has("everything");
  const defaults = wanted.has("default");
  const parts: string[] = [];
  for (const [name, heading, section] of SECTIONS) {
    if (!all && !wanted.has(name) && !(defaults && DEFAULT_SECTIONS.has(name))) continue;
    let text = `# ${heading}\r\n`;
    for (const [k, v] of section(s)) text += `${k}:${v}\r\n`;
    parts.push(text);
  }
  return parts.join("\r\n");
}

/** INFO [section ...] */
export function info(cx: Context): void {
  cx.out.bulk(infoText(cx.server, cx.args(1).map((a) => a.toLowerCase())));
}

/** STATS: seed 000's counters, one `name:value` line each. */
export function statsText(s: ServerState): string {
  const st = s.stats;
  const rows: [string, number][] = [
    ["connections", st.connections],
    // Seed 000's server counted a command on arrival, so its STATS counted itself; commands are
    // counted once run now (as Redis's INFO), hence the running STATS added here.
    ["commands", st.commands + 1],
    ["gets", st.gets],
    ["hits", s.keyspace.hits],
    ["misses", s.keyspace.misses],
    ["sets", st.sets],
    ["dels", st.dels],
    ["ttl", st.ttl],
    ["expire", st.expire],
    ["expired_removed", s.keyspace.expiredKeys],
    ["connected_clients", s.clients.size],
    ["rejected_connections", st.rejectedConnections],
    ["keys", s.keyspace.size],
    ["keys_with_ttl", s.keyspace.expires.size],
    ["janitor_cycles", s.janitor.stats.cycles],
    ["janitor_sampled", s.janitor.stats.sampled],
    ["errors", st.errorReplies],
    ["net_input_bytes", st.netInputBytes],
    ["net_output_bytes", st.netOutputBytes],
    ["uptime_seconds", Math.floor((Date.now() - s.startedAt) / 1000)],
  ];
  return rows.map(([k, v]) => `${k}:${v}`).join("\r\n") + "\r\n";
}
